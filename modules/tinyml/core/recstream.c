/*
 * Recording stream encoder: fixed-layout frames, CRC-32, one base64 line each
 * (see tinyml/recstream.h; byte layout in docs/field-loop.md).
 */
#include <errno.h>
#include <string.h>

#include <tinyml/crc32.h>
#include <tinyml/recstream.h>

#include "le_bytes.h"

#define PREFIX_LEN   (sizeof(TINYML_RECSTREAM_PREFIX) - 1u)
/* Sample rates up to 1 MHz. */
#define MAX_RATE_MHZ 1000000000u

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static size_t line_bytes(size_t frame_len)
{
	return PREFIX_LEN + 4u * ((frame_len + 2u) / 3u) + 2u;
}

static void b64_encode(const uint8_t *in, size_t len, char *out)
{
	size_t i;

	for (i = 0u; i + 2u < len; i += 3u) {
		uint32_t v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1u] << 8) | in[i + 2u];

		*out++ = b64_alphabet[(v >> 18) & 0x3Fu];
		*out++ = b64_alphabet[(v >> 12) & 0x3Fu];
		*out++ = b64_alphabet[(v >> 6) & 0x3Fu];
		*out++ = b64_alphabet[v & 0x3Fu];
	}
	if (i < len) {
		uint32_t v = (uint32_t)in[i] << 16;

		if (i + 1u < len) {
			v |= (uint32_t)in[i + 1u] << 8;
		}
		*out++ = b64_alphabet[(v >> 18) & 0x3Fu];
		*out++ = b64_alphabet[(v >> 12) & 0x3Fu];
		*out++ = (i + 1u < len) ? b64_alphabet[(v >> 6) & 0x3Fu] : '=';
		*out++ = '=';
	}
	*out = '\0';
}

/* Closes the frame in @p frame (header + @p payload_len bytes written) and emits the line. */
static int emit(struct tinyml_recstream *rs, uint8_t *frame, uint8_t type, uint16_t payload_len,
		char *line, size_t cap)
{
	size_t len = TINYML_RECSTREAM_HEADER_BYTES + payload_len;
	size_t n;

	if (line_bytes(len + 4u) > cap) {
		return -ENOSPC;
	}
	frame[0] = (uint8_t)TINYML_RECSTREAM_VERSION;
	frame[1] = type;
	tinyml_put_le16(frame + 2, rs->rec_id);
	tinyml_put_le32(frame + 4, rs->seq);
	tinyml_put_le16(frame + 8, payload_len);
	tinyml_put_le32(frame + len, tinyml_crc32(0u, frame, len));
	memcpy(line, TINYML_RECSTREAM_PREFIX, PREFIX_LEN);
	b64_encode(frame, len + 4u, line + PREFIX_LEN);
	n = strlen(line);
	line[n] = '\n';
	line[n + 1u] = '\0';
	rs->seq++;
	return (int)(n + 1u);
}

void tinyml_recstream_init(struct tinyml_recstream *rs, uint32_t first_seq)
{
	memset(rs, 0, sizeof(*rs));
	rs->seq = first_seq;
}

static bool text_ok(const char *text, size_t size)
{
	return memchr(text, '\0', size) != NULL;
}

int tinyml_recstream_begin(struct tinyml_recstream *rs, const struct tinyml_recstream_info *info,
			   char *line, size_t cap)
{
	uint8_t frame[TINYML_RECSTREAM_HEADER_BYTES + TINYML_RECSTREAM_BEGIN_BYTES + 4u];
	uint8_t *p = frame + TINYML_RECSTREAM_HEADER_BYTES;
	int rc;

	if (rs == NULL || info == NULL || line == NULL) {
		return -EINVAL;
	}
	if (rs->open) {
		return -EBUSY;
	}
	if (info->channels == 0u || info->channels > TINYML_RECSTREAM_MAX_CHANNELS ||
	    info->kind > TINYML_RECSTREAM_KIND_SNIPPET || info->sample_rate_mhz == 0u ||
	    info->sample_rate_mhz > MAX_RATE_MHZ || info->frames == 0u ||
	    info->pre_trigger_frames > info->frames ||
	    !text_ok(info->channel_names, sizeof(info->channel_names)) ||
	    !text_ok(info->sensor, sizeof(info->sensor))) {
		return -EINVAL;
	}
	memset(p, 0, TINYML_RECSTREAM_BEGIN_BYTES);
	tinyml_put_le32(p, info->sample_rate_mhz);
	tinyml_put_le32(p + 4, info->frames);
	tinyml_put_le32(p + 8, info->pre_trigger_frames);
	tinyml_put_le32(p + 12, info->timestamp_ms);
	tinyml_put_le32(p + 16, info->fw_version);
	tinyml_put_le32(p + 20, info->model_version);
	tinyml_put_le32(p + 24, info->pipeline_id);
	tinyml_put_le32(p + 28, info->runtime_id);
	p[32] = info->channels;
	p[33] = info->kind;
	tinyml_put_le16(p + 34, info->trigger_class);
	/* The rest of each fixed field stays zero, so no stale bytes leave the device. */
	memcpy(p + 36, info->channel_names, strlen(info->channel_names));
	memcpy(p + 36 + TINYML_RECSTREAM_NAMES_BYTES, info->sensor, strlen(info->sensor));
	rc = emit(rs, frame, TINYML_RECSTREAM_BEGIN, TINYML_RECSTREAM_BEGIN_BYTES, line, cap);
	if (rc < 0) {
		return rc;
	}
	rs->open = true;
	rs->channels = info->channels;
	rs->frames_total = info->frames;
	rs->frames_sent = 0u;
	rs->samples_crc = 0u;
	return rc;
}

uint16_t tinyml_recstream_max_frames(const struct tinyml_recstream *rs)
{
	if (rs == NULL || !rs->open || rs->channels == 0u) {
		return 0u;
	}
	return (uint16_t)(TINYML_RECSTREAM_MAX_SAMPLES / rs->channels);
}

int tinyml_recstream_data(struct tinyml_recstream *rs, const int16_t *samples, uint16_t n_frames,
			  char *line, size_t cap)
{
	uint8_t frame[TINYML_RECSTREAM_FRAME_MAX];
	uint8_t *p = frame + TINYML_RECSTREAM_HEADER_BYTES;
	uint8_t *s = p + TINYML_RECSTREAM_DATA_HEAD_BYTES;
	size_t values;
	size_t i;
	int rc;

	if (rs == NULL || samples == NULL || line == NULL) {
		return -EINVAL;
	}
	if (!rs->open) {
		return -EALREADY;
	}
	if (n_frames == 0u || n_frames > tinyml_recstream_max_frames(rs) ||
	    n_frames > rs->frames_total - rs->frames_sent) {
		return -EINVAL;
	}
	values = (size_t)n_frames * rs->channels;
	tinyml_put_le32(p, rs->frames_sent);
	tinyml_put_le16(p + 4, n_frames);
	for (i = 0u; i < values; i++) {
		tinyml_put_le16(s + 2u * i, (uint16_t)samples[i]);
	}
	rc = emit(rs, frame, TINYML_RECSTREAM_DATA,
		  (uint16_t)(TINYML_RECSTREAM_DATA_HEAD_BYTES + 2u * values), line, cap);
	if (rc < 0) {
		return rc;
	}
	rs->samples_crc = tinyml_crc32(rs->samples_crc, s, 2u * values);
	rs->frames_sent += n_frames;
	return rc;
}

int tinyml_recstream_end(struct tinyml_recstream *rs, uint32_t overruns, char *line, size_t cap)
{
	uint8_t frame[TINYML_RECSTREAM_HEADER_BYTES + TINYML_RECSTREAM_END_BYTES + 4u];
	uint8_t *p = frame + TINYML_RECSTREAM_HEADER_BYTES;
	int rc;

	if (rs == NULL || line == NULL) {
		return -EINVAL;
	}
	if (!rs->open) {
		return -EALREADY;
	}
	tinyml_put_le32(p, rs->frames_sent);
	tinyml_put_le32(p + 4, rs->samples_crc);
	tinyml_put_le32(p + 8, overruns);
	rc = emit(rs, frame, TINYML_RECSTREAM_END, TINYML_RECSTREAM_END_BYTES, line, cap);
	if (rc < 0) {
		return rc;
	}
	rs->open = false;
	rs->rec_id++;
	return rc;
}

uint32_t tinyml_recstream_next_seq(const struct tinyml_recstream *rs)
{
	return rs->seq;
}
