/*
 * Zephyr port: the core's settings records in the settings subsystem ("tinyml/<key>").
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <zephyr/settings/settings.h>

#include <tinyml/zephyr/settings_store.h>

#define SUBTREE "tinyml"

struct load_ctx {
	void *value;
	size_t cap;
	int result; /* bytes read, or negative errno; -ENOENT until the key is seen */
};

static int make_name(char *name, size_t cap, const char *key)
{
	size_t key_len;

	if (key == NULL) {
		return -EINVAL;
	}
	key_len = strlen(key);
	if (key_len == 0U || key_len > TINYML_ZEPHYR_SETTINGS_KEY_MAX) {
		return -EINVAL;
	}
	return snprintf(name, cap, SUBTREE "/%s", key) < (int)cap ? 0 : -EINVAL;
}

int tinyml_zephyr_settings_init(void)
{
	return settings_subsys_init() == 0 ? 0 : -EIO;
}

int tinyml_zephyr_settings_save(const char *key, const void *value, size_t len)
{
	char name[sizeof(SUBTREE "/") + TINYML_ZEPHYR_SETTINGS_KEY_MAX];
	int rc = make_name(name, sizeof(name), key);

	if (rc != 0 || (value == NULL && len != 0U)) {
		return -EINVAL;
	}
	return settings_save_one(name, value, len) == 0 ? 0 : -EIO;
}

/* Called for the key itself (remainder NULL or empty) and for anything below it. */
static int load_one(const char *rest, size_t len, settings_read_cb read_cb, void *cb_arg,
		    void *param)
{
	struct load_ctx *ctx = param;
	ssize_t got;

	if (rest != NULL && rest[0] != '\0') {
		return 0; /* a deeper key, not ours */
	}
	if (len > ctx->cap) {
		ctx->result = -EMSGSIZE;
		return 1;
	}
	got = read_cb(cb_arg, ctx->value, len);
	ctx->result = got < 0 ? -EIO : (int)got;
	return 1; /* stop: the backend hands over only the newest value */
}

int tinyml_zephyr_settings_load(const char *key, void *value, size_t len)
{
	char name[sizeof(SUBTREE "/") + TINYML_ZEPHYR_SETTINGS_KEY_MAX];
	struct load_ctx ctx = {.value = value, .cap = len, .result = -ENOENT};
	int rc = make_name(name, sizeof(name), key);

	if (rc != 0 || value == NULL) {
		return -EINVAL;
	}
	if (settings_load_subtree_direct(name, load_one, &ctx) != 0) {
		return -EIO;
	}
	return ctx.result;
}
