/*
 * The event summary as zcbor writes it is byte for byte the map docs/field-loop.md shows (and
 * tests/python/test_field_events.py decodes): definite lengths, shortest integers.
 */
#include <zephyr/ztest.h>

#include "app_field.h"

/* {0: 7, 1: 1000, 2: 1, 3: 29491, 4: 0x010200, 5: 0x0300, 6: 0xA1B2C3D4, 7: 1, 8: 64,
 *  9: [[256, 40], [-512, -3]]}
 */
static const uint8_t hand_made[] = {
	0xaa, 0x00, 0x07, 0x01, 0x19, 0x03, 0xe8, 0x02, 0x01, 0x03, 0x19, 0x73,
	0x33, 0x04, 0x1a, 0x00, 0x01, 0x02, 0x00, 0x05, 0x19, 0x03, 0x00, 0x06,
	0x1a, 0xa1, 0xb2, 0xc3, 0xd4, 0x07, 0x01, 0x08, 0x18, 0x40, 0x09, 0x82,
	0x82, 0x19, 0x01, 0x00, 0x18, 0x28, 0x82, 0x39, 0x01, 0xff, 0x22,
};

ZTEST_SUITE(tinyml_summary_cbor, NULL, NULL, NULL, NULL, NULL);

ZTEST(tinyml_summary_cbor, test_docs_example_bytes)
{
	static struct app_uplink_summary s;
	uint8_t buf[APP_SUMMARY_CBOR_MAX];
	int len;

	memset(&s, 0, sizeof(s));
	s.seq = 7;
	s.time_s = 1000;
	s.class_id = 1;
	s.score_q15 = 29491;
	s.fw_version = 0x010200;
	s.model_version = 0x0300;
	s.pipeline_id = 0xA1B2C3D4;
	s.flags = APP_EVENT_FLAG_FALSE_TRIGGER;
	s.drift_q8 = 64;
	s.fired.n_features = 2;
	s.fired.mean_q8[0] = 256;
	s.fired.peak[0] = 40;
	s.fired.mean_q8[1] = -512;
	s.fired.peak[1] = -3;
	len = app_summary_cbor(&s, buf, sizeof(buf));
	zassert_equal(len, sizeof(hand_made), "length %d", len);
	zassert_mem_equal(buf, hand_made, sizeof(hand_made));

	/* Not flagged: no feature summary. Optional keys appear when set, in key order. */
	s.flags = 0;
	s.margin_q15 = 100;
	s.runtime_id = 0x12345678;
	len = app_summary_cbor(&s, buf, sizeof(buf));
	zassert_equal(buf[0], 0xab, "map of 11 keys");
	zassert_equal(len, 34 + 3 + 6, "length %d", len); /* keys 0-8, then 10 and 13 */
	zassert_mem_equal(&buf[len - 9],
			  ((uint8_t[]){0x0a, 0x18, 0x64, 0x0d, 0x1a, 0x12, 0x34, 0x56, 0x78}), 9);
	zassert_equal(app_summary_cbor(&s, buf, 10), -ENOSPC, "a short buffer is refused");
}
