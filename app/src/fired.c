/*
 * The windows that fired: per-feature running mean and peak of the live windows the model gave
 * a non-background class, since the last event (or since a quiet gap longer than the decision's
 * confirmation span). At an event the summary becomes the last event's, which a false-trigger
 * report (report.c) attaches to its flagged summary: a few integers, never samples.
 */
#include <errno.h>
#include <string.h>

#include <zephyr/kernel.h>

#include "app_field.h"

#define N_MAX CONFIG_TINYML_APP_EVENTS_FEATURES

struct fired_acc {
	int64_t sum[N_MAX];
	int32_t peak[N_MAX];
	uint32_t windows;
	uint32_t n;
	uint32_t last_ms;
};

static struct fired_acc acc;
static struct app_fired_summary last;
static bool have_last;
static struct k_spinlock fired_lock;

void app_fired_window(const int32_t *features, size_t n, int top_class, uint32_t now_ms)
{
	uint32_t keep = MIN((uint32_t)n, (uint32_t)N_MAX);

	/* Background or no inference: only a long quiet gap ends the current burst. */
	if (acc.windows > 0U && now_ms - acc.last_ms > CONFIG_TINYML_APP_CONFIRM_SPAN_MS) {
		acc.windows = 0U;
	}
	if (top_class <= 0 || features == NULL || keep == 0U) {
		return;
	}
	if (acc.windows == 0U || acc.n != keep) {
		memset(&acc, 0, sizeof(acc));
		acc.n = keep;
		for (uint32_t i = 0; i < keep; i++) {
			acc.peak[i] = features[i];
		}
	}
	for (uint32_t i = 0; i < keep; i++) {
		acc.sum[i] += features[i];
		acc.peak[i] = MAX(acc.peak[i], features[i]);
	}
	acc.windows++;
	acc.last_ms = now_ms;
}

void app_fired_event(void)
{
	struct app_fired_summary s = {0};

	if (acc.windows > 0U) {
		s.n_features = (uint16_t)acc.n;
		s.n_windows = (uint16_t)MIN(acc.windows, UINT16_MAX);
		for (uint32_t i = 0; i < acc.n; i++) {
			/* Mean in Q8, rounded half away from zero, saturated to int32. */
			int64_t q8 = acc.sum[i] * 256;
			int64_t half = (int64_t)acc.windows / 2;
			int64_t mean = (q8 >= 0 ? q8 + half : q8 - half) / (int64_t)acc.windows;

			s.mean_q8[i] = (int32_t)CLAMP(mean, INT32_MIN, INT32_MAX);
			s.peak[i] = acc.peak[i];
		}
	}
	acc.windows = 0U;
	k_spinlock_key_t key = k_spin_lock(&fired_lock);

	last = s;
	have_last = true;
	k_spin_unlock(&fired_lock, key);
}

int app_fired_last(struct app_fired_summary *out)
{
	int rc = -ENOENT;
	k_spinlock_key_t key = k_spin_lock(&fired_lock);

	if (have_last) {
		*out = last;
		rc = 0;
	}
	k_spin_unlock(&fired_lock, key);
	return rc;
}
