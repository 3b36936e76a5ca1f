/*
 * tinyml_modelpkg_read_thresholds_buffer(): the f32 -> Q15 conversion (round half to even,
 * 1.0 saturated, as the replay tool's q15()) and the checks of every THRESHOLDS record.
 * Host only: the reader links the flash seam, which the bare-metal test port lacks.
 */
#include <errno.h>
#include <string.h>

#include <tinyml/modelpkg.h>

#include "../../modules/tinyml/core/le_bytes.h"
#include "ttest.h"

#define N_LABELS 4u

static uint8_t records[8u * 8u];
static int16_t q15[N_LABELS];

static struct tinyml_modelpkg_info info_for(uint16_t n_records)
{
	struct tinyml_modelpkg_info info;

	memset(&info, 0, sizeof(info));
	info.n_labels = N_LABELS;
	info.n_thresholds = n_records;
	info.thresholds_offset = 0u;
	return info;
}

static void put_record(uint16_t i, uint16_t label, uint16_t reserved, uint32_t bits)
{
	tinyml_put_le16(records + 8u * i, label);
	tinyml_put_le16(records + 8u * i + 2u, reserved);
	tinyml_put_le32(records + 8u * i + 4u, bits);
}

/* Q15 of one f32 given by its bits, read through a one-record package. */
static int q15_of(uint32_t bits)
{
	struct tinyml_modelpkg_info info = info_for(1u);
	int rc;

	put_record(0u, 2u, 0u, bits);
	rc = tinyml_modelpkg_read_thresholds_buffer(records, sizeof(records), &info, q15, N_LABELS);
	return rc == 1 ? q15[2] : -1000 + rc;
}

TTEST(model_thresholds, f32_to_q15_rounds_half_to_even)
{
	TT_ASSERT_EQ(q15_of(0x00000000u), 0);     /* 0.0 */
	TT_ASSERT_EQ(q15_of(0x00000001u), 0);     /* smallest subnormal */
	TT_ASSERT_EQ(q15_of(0x3f000000u), 16384); /* 0.5 */
	TT_ASSERT_EQ(q15_of(0x3f800000u), 32767); /* 1.0 saturates */
	TT_ASSERT_EQ(q15_of(0x3f7fffffu), 32767); /* largest float below 1.0 */
	TT_ASSERT_EQ(q15_of(0x3f333333u), 22938); /* 0.7f = 0.699999988..: 22937.6 */
	TT_ASSERT_EQ(q15_of(0x37800000u), 0);     /* 2^-16 = 0.5 LSB: tie to even 0 */
	TT_ASSERT_EQ(q15_of(0x37800001u), 1);     /* just above the tie */
	TT_ASSERT_EQ(q15_of(0x38400000u), 2);     /* 1.5 LSB: tie to even 2 */
	TT_ASSERT_EQ(q15_of(0x38a00000u), 2);     /* 2.5 LSB: tie to even 2 */
	TT_ASSERT_EQ(q15_of(0x38e00000u), 4);     /* 3.5 LSB: tie to even 4 */
	TT_ASSERT_EQ(q15_of(0x38200000u), 1);     /* 1.25 LSB */
	TT_ASSERT_EQ(q15_of(0x377fffffu), 0);     /* just below the first tie */
	TT_ASSERT_EQ(q15_of(0x3f7fff00u), 32767); /* 32767.5: tie to even 32768, saturated */
	TT_ASSERT_EQ(q15_of(0x3f7ffc00u), 32766); /* 32766.0 exactly */
}

TTEST(model_thresholds, labels_without_a_record_have_none)
{
	struct tinyml_modelpkg_info info = info_for(2u);

	put_record(0u, 3u, 0u, 0x3f400000u); /* 0.75 */
	put_record(1u, 1u, 0u, 0x3e800000u); /* 0.25 */
	TT_ASSERT_EQ(tinyml_modelpkg_read_thresholds_buffer(records, sizeof(records), &info, q15,
							    N_LABELS),
		     2);
	TT_ASSERT_EQ(q15[0], TINYML_MODELPKG_NO_THRESHOLD);
	TT_ASSERT_EQ(q15[1], 8192);
	TT_ASSERT_EQ(q15[2], TINYML_MODELPKG_NO_THRESHOLD);
	TT_ASSERT_EQ(q15[3], 24576);
}

/* Two records, the second one given; the result, and q15 all "none" on a refusal. */
static int read_with_second(uint16_t label, uint16_t reserved, uint32_t bits)
{
	struct tinyml_modelpkg_info info = info_for(2u);
	int rc;
	uint32_t i;

	put_record(0u, 1u, 0u, 0x3f000000u);
	put_record(1u, label, reserved, bits);
	rc = tinyml_modelpkg_read_thresholds_buffer(records, sizeof(records), &info, q15, N_LABELS);
	for (i = 0u; rc < 0 && i < N_LABELS; i++) {
		if (q15[i] != TINYML_MODELPKG_NO_THRESHOLD) {
			return 1000;
		}
	}
	return rc;
}

TTEST(model_thresholds, malformed_records_are_refused)
{
	TT_ASSERT_EQ(read_with_second(2u, 0u, 0x3f000000u), 2);
	TT_ASSERT_EQ(read_with_second(N_LABELS, 0u, 0x3f000000u), -EINVAL); /* no such label */
	TT_ASSERT_EQ(read_with_second(0xFFFFu, 0u, 0x3f000000u), -EINVAL);
	TT_ASSERT_EQ(read_with_second(1u, 0u, 0x3f000000u), -EINVAL); /* duplicate */
	TT_ASSERT_EQ(read_with_second(2u, 1u, 0x3f000000u), -EINVAL); /* reserved */
	TT_ASSERT_EQ(read_with_second(2u, 0u, 0x3f800001u), -EINVAL); /* above 1.0 */
	TT_ASSERT_EQ(read_with_second(2u, 0u, 0x80000000u), -EINVAL); /* -0.0 */
	TT_ASSERT_EQ(read_with_second(2u, 0u, 0xbf000000u), -EINVAL); /* -0.5 */
	TT_ASSERT_EQ(read_with_second(2u, 0u, 0x7fc00000u), -EINVAL); /* NaN */
	TT_ASSERT_EQ(read_with_second(2u, 0u, 0x7f800000u), -EINVAL); /* +inf */
}

TTEST(model_thresholds, arguments_and_bounds_are_checked)
{
	struct tinyml_modelpkg_info info = info_for(2u);

	put_record(0u, 1u, 0u, 0x3f000000u);
	put_record(1u, 2u, 0u, 0x3f000000u);
	TT_ASSERT_EQ(tinyml_modelpkg_read_thresholds_buffer(records, sizeof(records), &info, q15,
							    N_LABELS - 1u),
		     -ENOBUFS);
	TT_ASSERT_EQ(tinyml_modelpkg_read_thresholds_buffer(NULL, 8u, &info, q15, N_LABELS),
		     -EINVAL);
	TT_ASSERT_EQ(tinyml_modelpkg_read_thresholds_buffer(records, sizeof(records), NULL, q15,
							    N_LABELS),
		     -EINVAL);
	/* the records must lie inside the package */
	info.thresholds_offset = sizeof(records) - 12u;
	TT_ASSERT_EQ(tinyml_modelpkg_read_thresholds_buffer(records, sizeof(records), &info, q15,
							    N_LABELS),
		     -EINVAL);
}
