/*
 * First-week calibration: while in learning mode the device accumulates the statistics of its
 * own features (its baseline) and of the model's scores, then produces a record of the
 * per-device baseline and per-class threshold offsets that the settings layer persists.
 */
#ifndef TINYML_CALIB_H_
#define TINYML_CALIB_H_

#include <stddef.h>
#include <stdint.h>

#include <tinyml/drift.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TINYML_CALIB_MAX_FEATURES   32u
#define TINYML_CALIB_MAX_CLASSES    16u
#define TINYML_CALIB_RECORD_VERSION 1u
/* The baseline follows the last ~4096 windows of the learning period. */
#define TINYML_CALIB_HORIZON        TINYML_DRIFT_MAX_HORIZON

/* What the settings layer stores; crc32 covers every byte before it. */
struct tinyml_calib_record {
	uint16_t version;
	uint8_t n_features;
	uint8_t n_classes;
	uint32_t windows; /* windows learned from */
	int32_t mean_q8[TINYML_CALIB_MAX_FEATURES];
	uint32_t std_q8[TINYML_CALIB_MAX_FEATURES];
	int16_t threshold_offset_q15[TINYML_CALIB_MAX_CLASSES];
	uint32_t crc32;
};

enum tinyml_calib_phase {
	TINYML_CALIB_LEARNING = 0,
	TINYML_CALIB_DONE = 1,
};

struct tinyml_calib {
	uint8_t phase;
	uint8_t n_features;
	uint8_t n_classes;
	uint32_t start_ms;
	uint32_t duration_ms;
	uint32_t min_windows;
	int16_t max_offset_q15;
	int16_t base_threshold_q15[TINYML_CALIB_MAX_CLASSES];
	struct tinyml_drift features;
	struct tinyml_drift scores;
	int64_t feature_mean[TINYML_CALIB_MAX_FEATURES];
	int64_t feature_m2[TINYML_CALIB_MAX_FEATURES];
	int64_t score_mean[TINYML_CALIB_MAX_CLASSES];
	int64_t score_m2[TINYML_CALIB_MAX_CLASSES];
	struct tinyml_calib_record record;
};

/**
 * @brief Start learning at @p now_ms for @p duration_ms (and at least @p min_windows windows).
 *
 * @param base_threshold_q15 the model's per-class thresholds (n_classes).
 * @param max_offset_q15     upper bound of a learned offset (>= 0).
 *
 * @retval 0 on success; -EINVAL on NULL, zero or too many features or classes, or a negative
 *         @p max_offset_q15.
 */
int tinyml_calib_start(struct tinyml_calib *cal, size_t n_features, size_t n_classes,
		       const int16_t *base_threshold_q15, int16_t max_offset_q15, uint32_t now_ms,
		       uint32_t duration_ms, uint32_t min_windows);

/**
 * @brief Learn from one window. When time and window count are both reached, the record is
 * finished: mean/std of each feature, and per class offset = clamp(mean + 3 std -
 * threshold, 0, max_offset) of its score (Q15), so a class this device's normal operation
 * scores high for needs more to fire.
 *
 * @retval 1 calibration is done (now or before; further windows are ignored).
 * @retval 0 still learning.
 * @retval -EINVAL NULL or counts that differ from tinyml_calib_start().
 */
int tinyml_calib_observe(struct tinyml_calib *cal, const int32_t *features, size_t n_features,
			 const int16_t *scores_q15, size_t n_scores, uint32_t now_ms);

/**
 * @brief The finished record (for the settings layer).
 *
 * @retval 0 on success; -EINVAL on NULL; -EAGAIN while learning.
 */
int tinyml_calib_record(const struct tinyml_calib *cal, struct tinyml_calib_record *rec);

/**
 * @brief Check a record read back from storage.
 *
 * @retval 0 valid; -EINVAL NULL or counts out of range; -ENOTSUP other version; -EBADMSG CRC
 *         mismatch.
 */
int tinyml_calib_record_check(const struct tinyml_calib_record *rec);

/**
 * @brief Thresholds with the record's offsets added (saturating at 32767).
 *
 * @retval 0 on success; -EINVAL on NULL or @p n != rec->n_classes.
 */
int tinyml_calib_apply(const struct tinyml_calib_record *rec, const int16_t *base_q15,
		       int16_t *out_q15, size_t n);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_CALIB_H_ */
