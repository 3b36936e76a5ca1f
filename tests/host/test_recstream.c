#include <errno.h>
#include <string.h>

#include <tinyml/crc32.h>
#include <tinyml/recstream.h>

#include "../../modules/tinyml/core/le_bytes.h"
#include "ttest.h"

#define PREFIX_LEN (sizeof(TINYML_RECSTREAM_PREFIX) - 1u)

/* Independent base64 decoder: returns the byte count, or -1 on a character off the alphabet. */
static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z') {
		return c - 'A';
	}
	if (c >= 'a' && c <= 'z') {
		return c - 'a' + 26;
	}
	if (c >= '0' && c <= '9') {
		return c - '0' + 52;
	}
	if (c == '+') {
		return 62;
	}
	if (c == '/') {
		return 63;
	}
	return -1;
}

static int decode_line(const char *line, uint8_t *out, size_t cap)
{
	size_t n = 0u;
	uint32_t acc = 0u;
	int bits = 0;
	const char *c;

	if (strncmp(line, TINYML_RECSTREAM_PREFIX, PREFIX_LEN) != 0) {
		return -1;
	}
	for (c = line + PREFIX_LEN; *c != '\n'; c++) {
		int v;

		if (*c == '=') {
			continue;
		}
		v = b64_value(*c);
		if (v < 0) {
			return -1;
		}
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n == cap) {
				return -1;
			}
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	if (c[1] != '\0') {
		return -1;
	}
	return (int)n;
}

static struct tinyml_recstream_info make_info(uint8_t channels, uint32_t frames)
{
	struct tinyml_recstream_info info;

	memset(&info, 0, sizeof(info));
	info.sample_rate_mhz = 1600000u;
	info.frames = frames;
	info.pre_trigger_frames = frames / 4u;
	info.timestamp_ms = 123456u;
	info.fw_version = 0x00010200u;
	info.model_version = 0x00000300u;
	info.pipeline_id = 0xA1B2C3D4u;
	info.runtime_id = 0x00020001u;
	info.channels = channels;
	info.kind = TINYML_RECSTREAM_KIND_SNIPPET;
	info.trigger_class = 1u;
	strcpy(info.channel_names, "ax,ay,az");
	strcpy(info.sensor, "part=ADXL343;range_g=4");
	return info;
}

/* Checks a line's frame: CRC, header fields; returns the payload length or -1. */
static int check_frame(const char *line, uint8_t type, uint32_t seq, uint8_t *frame)
{
	int n = decode_line(line, frame, TINYML_RECSTREAM_FRAME_MAX);
	uint16_t plen;

	if (n < (int)(TINYML_RECSTREAM_HEADER_BYTES + 4u)) {
		return -1;
	}
	plen = tinyml_get_le16(frame + 8);
	if ((size_t)n != TINYML_RECSTREAM_HEADER_BYTES + plen + 4u || frame[0] != 1u ||
	    frame[1] != type || tinyml_get_le32(frame + 4) != seq ||
	    tinyml_get_le32(frame + n - 4) != tinyml_crc32(0u, frame, (size_t)n - 4u)) {
		return -1;
	}
	return plen;
}

TTEST(recstream, round_trip_of_a_snippet)
{
	struct tinyml_recstream rs;
	struct tinyml_recstream_info info = make_info(3u, 50u);
	char line[TINYML_RECSTREAM_LINE_MAX];
	uint8_t frame[TINYML_RECSTREAM_FRAME_MAX];
	int16_t samples[150];
	int16_t back[150];
	uint32_t seq = 7u;
	uint32_t got = 0u;
	uint32_t crc = 0u;
	int i;

	for (i = 0; i < 150; i++) {
		samples[i] = (int16_t)(i * 437 - 32768);
	}
	tinyml_recstream_init(&rs, seq);
	TT_ASSERT(tinyml_recstream_begin(&rs, &info, line, sizeof(line)) > 0);
	TT_ASSERT_EQ(check_frame(line, TINYML_RECSTREAM_BEGIN, seq++, frame),
		     (int)TINYML_RECSTREAM_BEGIN_BYTES);
	TT_ASSERT_EQ(tinyml_get_le32(frame + 10), 1600000u);
	TT_ASSERT_EQ(tinyml_get_le32(frame + 10 + 24), 0xA1B2C3D4u);
	TT_ASSERT_EQ(frame[10 + 32], 3u);
	TT_ASSERT(strcmp((const char *)frame + 10 + 36, "ax,ay,az") == 0);
	TT_ASSERT_EQ(tinyml_recstream_max_frames(&rs), 21u);
	while (got < 50u) {
		uint16_t n = (uint16_t)(50u - got < 21u ? 50u - got : 21u);
		int plen;

		TT_ASSERT(tinyml_recstream_data(&rs, samples + 3u * got, n, line, sizeof(line)) >
			  0);
		plen = check_frame(line, TINYML_RECSTREAM_DATA, seq++, frame);
		TT_ASSERT_EQ(plen, (int)(6u + 6u * n));
		TT_ASSERT_EQ(tinyml_get_le32(frame + 10), got);
		TT_ASSERT_EQ(tinyml_get_le16(frame + 14), n);
		for (i = 0; i < 3 * n; i++) {
			back[3u * got + (uint32_t)i] = (int16_t)tinyml_get_le16(frame + 16 + 2 * i);
		}
		crc = tinyml_crc32(crc, frame + 16, 6u * n);
		got += n;
	}
	TT_ASSERT_MEM_EQ(back, samples, sizeof(samples));
	TT_ASSERT_EQ(tinyml_recstream_data(&rs, samples, 1u, line, sizeof(line)), -EINVAL);
	TT_ASSERT(tinyml_recstream_end(&rs, 2u, line, sizeof(line)) > 0);
	TT_ASSERT_EQ(check_frame(line, TINYML_RECSTREAM_END, seq++, frame),
		     (int)TINYML_RECSTREAM_END_BYTES);
	TT_ASSERT_EQ(tinyml_get_le32(frame + 10), 50u);
	TT_ASSERT_EQ(tinyml_get_le32(frame + 14), crc);
	TT_ASSERT_EQ(tinyml_get_le32(frame + 18), 2u);
	TT_ASSERT_EQ(tinyml_recstream_next_seq(&rs), seq);
	/* The next recording gets the next id. */
	TT_ASSERT(tinyml_recstream_begin(&rs, &info, line, sizeof(line)) > 0);
	TT_ASSERT(check_frame(line, TINYML_RECSTREAM_BEGIN, seq, frame) > 0);
	TT_ASSERT_EQ(tinyml_get_le16(frame + 2), 1u);
}

TTEST(recstream, full_frame_fits_line_max)
{
	struct tinyml_recstream rs;
	struct tinyml_recstream_info info = make_info(1u, 1000u);
	char line[TINYML_RECSTREAM_LINE_MAX];
	int16_t samples[TINYML_RECSTREAM_MAX_SAMPLES];
	size_t i;
	int len;

	for (i = 0u; i < TINYML_RECSTREAM_MAX_SAMPLES; i++) {
		samples[i] = (int16_t)(32767 - (int)i);
	}
	tinyml_recstream_init(&rs, 0u);
	TT_ASSERT(tinyml_recstream_begin(&rs, &info, line, sizeof(line)) > 0);
	len = tinyml_recstream_data(&rs, samples, TINYML_RECSTREAM_MAX_SAMPLES, line, sizeof(line));
	TT_ASSERT_EQ(len, (int)sizeof(line) - 1);
	TT_ASSERT_EQ(line[len - 1], '\n');
	for (i = 0u; i < (size_t)len - 1u; i++) {
		TT_ASSERT(line[i] > ' ' && line[i] < 127);
	}
}

TTEST(recstream, refuses_bad_arguments_and_states)
{
	struct tinyml_recstream rs;
	struct tinyml_recstream_info info = make_info(2u, 10u);
	char line[TINYML_RECSTREAM_LINE_MAX];
	int16_t samples[20] = {0};

	tinyml_recstream_init(&rs, 0u);
	TT_ASSERT_EQ(tinyml_recstream_data(&rs, samples, 1u, line, sizeof(line)), -EALREADY);
	TT_ASSERT_EQ(tinyml_recstream_end(&rs, 0u, line, sizeof(line)), -EALREADY);
	info.channels = 0u;
	TT_ASSERT_EQ(tinyml_recstream_begin(&rs, &info, line, sizeof(line)), -EINVAL);
	info.channels = TINYML_RECSTREAM_MAX_CHANNELS + 1u;
	TT_ASSERT_EQ(tinyml_recstream_begin(&rs, &info, line, sizeof(line)), -EINVAL);
	info = make_info(2u, 10u);
	info.pre_trigger_frames = 11u;
	TT_ASSERT_EQ(tinyml_recstream_begin(&rs, &info, line, sizeof(line)), -EINVAL);
	info = make_info(2u, 10u);
	info.kind = 2u;
	TT_ASSERT_EQ(tinyml_recstream_begin(&rs, &info, line, sizeof(line)), -EINVAL);
	info = make_info(2u, 10u);
	info.sample_rate_mhz = 0u;
	TT_ASSERT_EQ(tinyml_recstream_begin(&rs, &info, line, sizeof(line)), -EINVAL);
	info = make_info(2u, 10u);
	memset(info.sensor, 'x', sizeof(info.sensor));
	TT_ASSERT_EQ(tinyml_recstream_begin(&rs, &info, line, sizeof(line)), -EINVAL);
	info = make_info(2u, 10u);
	/* A short buffer consumes nothing: the sequence number does not move. */
	TT_ASSERT_EQ(tinyml_recstream_begin(&rs, &info, line, 40u), -ENOSPC);
	TT_ASSERT_EQ(tinyml_recstream_next_seq(&rs), 0u);
	TT_ASSERT(tinyml_recstream_begin(&rs, &info, line, sizeof(line)) > 0);
	TT_ASSERT_EQ(tinyml_recstream_begin(&rs, &info, line, sizeof(line)), -EBUSY);
	TT_ASSERT_EQ(tinyml_recstream_data(&rs, samples, 0u, line, sizeof(line)), -EINVAL);
	TT_ASSERT_EQ(tinyml_recstream_data(&rs, samples, 33u, line, sizeof(line)), -EINVAL);
	TT_ASSERT_EQ(tinyml_recstream_data(&rs, samples, 4u, line, 30u), -ENOSPC);
	TT_ASSERT_EQ(tinyml_recstream_next_seq(&rs), 1u);
	TT_ASSERT(tinyml_recstream_data(&rs, samples, 4u, line, sizeof(line)) > 0);
	TT_ASSERT_EQ(tinyml_recstream_data(&rs, samples, 7u, line, sizeof(line)), -EINVAL);
	TT_ASSERT_EQ(tinyml_recstream_end(&rs, 0u, line, 10u), -ENOSPC);
	TT_ASSERT(tinyml_recstream_end(&rs, 0u, line, sizeof(line)) > 0);
	TT_ASSERT_EQ(tinyml_recstream_next_seq(&rs), 3u);
}
