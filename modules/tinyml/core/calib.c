/*
 * First-week calibration: learns the device's own feature baseline and raises the threshold of
 * classes its normal operation already scores high for.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <tinyml/calib.h>
#include <tinyml/crc32.h>

int tinyml_calib_start(struct tinyml_calib *cal, size_t n_features, size_t n_classes,
		       const int16_t *base_threshold_q15, int16_t max_offset_q15, uint32_t now_ms,
		       uint32_t duration_ms, uint32_t min_windows)
{
	int err;

	if (cal == NULL || base_threshold_q15 == NULL || n_features == 0u ||
	    n_features > TINYML_CALIB_MAX_FEATURES || n_classes == 0u ||
	    n_classes > TINYML_CALIB_MAX_CLASSES || max_offset_q15 < 0) {
		return -EINVAL;
	}
	memset(cal, 0, sizeof(*cal));
	err = tinyml_drift_init(&cal->features, cal->feature_mean, cal->feature_m2, n_features,
				TINYML_CALIB_HORIZON);
	if (err == 0) {
		err = tinyml_drift_init(&cal->scores, cal->score_mean, cal->score_m2, n_classes,
					TINYML_CALIB_HORIZON);
	}
	if (err != 0) {
		return err;
	}
	cal->phase = TINYML_CALIB_LEARNING;
	cal->n_features = (uint8_t)n_features;
	cal->n_classes = (uint8_t)n_classes;
	cal->start_ms = now_ms;
	cal->duration_ms = duration_ms;
	cal->min_windows = min_windows;
	cal->max_offset_q15 = max_offset_q15;
	memcpy(cal->base_threshold_q15, base_threshold_q15,
	       n_classes * sizeof(*base_threshold_q15));
	return 0;
}

static void finish(struct tinyml_calib *cal)
{
	struct tinyml_calib_record *rec = &cal->record;
	size_t i;

	memset(rec, 0, sizeof(*rec));
	rec->version = TINYML_CALIB_RECORD_VERSION;
	rec->n_features = cal->n_features;
	rec->n_classes = cal->n_classes;
	rec->windows = cal->features.count;
	for (i = 0u; i < cal->n_features; i++) {
		(void)tinyml_drift_stats(&cal->features, i, &rec->mean_q8[i], &rec->std_q8[i]);
	}
	for (i = 0u; i < cal->n_classes; i++) {
		int32_t mean_q8;
		uint32_t std_q8;
		int64_t offset;

		(void)tinyml_drift_stats(&cal->scores, i, &mean_q8, &std_q8);
		/* Q8 back to Q15 score units: floor((mean + 3 std) / 256). */
		offset = (((int64_t)mean_q8 + 3 * (int64_t)std_q8) >> 8) -
			 cal->base_threshold_q15[i];
		if (offset < 0) {
			offset = 0;
		} else if (offset > cal->max_offset_q15) {
			offset = cal->max_offset_q15;
		}
		rec->threshold_offset_q15[i] = (int16_t)offset;
	}
	rec->crc32 = tinyml_crc32(0u, rec, offsetof(struct tinyml_calib_record, crc32));
	cal->phase = TINYML_CALIB_DONE;
}

int tinyml_calib_observe(struct tinyml_calib *cal, const int32_t *features, size_t n_features,
			 const int16_t *scores_q15, size_t n_scores, uint32_t now_ms)
{
	int32_t scores[TINYML_CALIB_MAX_CLASSES];
	size_t i;
	int err;

	if (cal == NULL || features == NULL || scores_q15 == NULL ||
	    n_features != cal->n_features || n_scores != cal->n_classes) {
		return -EINVAL;
	}
	if (cal->phase == TINYML_CALIB_DONE) {
		return 1;
	}
	for (i = 0u; i < n_scores; i++) {
		scores[i] = scores_q15[i];
	}
	err = tinyml_drift_update(&cal->features, features, n_features);
	if (err == 0) {
		err = tinyml_drift_update(&cal->scores, scores, n_scores);
	}
	if (err != 0) {
		return err;
	}
	if (now_ms - cal->start_ms >= cal->duration_ms && cal->features.count >= cal->min_windows) {
		finish(cal);
		return 1;
	}
	return 0;
}

int tinyml_calib_record(const struct tinyml_calib *cal, struct tinyml_calib_record *rec)
{
	if (cal == NULL || rec == NULL) {
		return -EINVAL;
	}
	if (cal->phase != TINYML_CALIB_DONE) {
		return -EAGAIN;
	}
	*rec = cal->record;
	return 0;
}

int tinyml_calib_record_check(const struct tinyml_calib_record *rec)
{
	if (rec == NULL) {
		return -EINVAL;
	}
	if (rec->version != TINYML_CALIB_RECORD_VERSION) {
		return -ENOTSUP;
	}
	if (rec->crc32 != tinyml_crc32(0u, rec, offsetof(struct tinyml_calib_record, crc32))) {
		return -EBADMSG;
	}
	if (rec->n_features == 0u || rec->n_features > TINYML_CALIB_MAX_FEATURES ||
	    rec->n_classes == 0u || rec->n_classes > TINYML_CALIB_MAX_CLASSES) {
		return -EINVAL;
	}
	return 0;
}

int tinyml_calib_apply(const struct tinyml_calib_record *rec, const int16_t *base_q15,
		       int16_t *out_q15, size_t n)
{
	size_t i;

	if (rec == NULL || base_q15 == NULL || out_q15 == NULL || n != rec->n_classes ||
	    n > TINYML_CALIB_MAX_CLASSES) {
		return -EINVAL;
	}
	for (i = 0u; i < n; i++) {
		int32_t t = (int32_t)base_q15[i] + rec->threshold_offset_q15[i];

		out_q15[i] = (int16_t)(t > 32767 ? 32767 : t);
	}
	return 0;
}
