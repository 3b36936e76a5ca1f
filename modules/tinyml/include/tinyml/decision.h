/*
 * Decision logic after the model: per-class thresholds with hysteresis, a top-1 versus
 * runner-up margin, a majority vote over the last windows, k-of-n confirmation within a time
 * span and a refractory time after each event. Scores are Q15 (e.g. dequantized softmax).
 */
#ifndef TINYML_DECISION_H_
#define TINYML_DECISION_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TINYML_DECISION_MAX_CLASSES 16u
#define TINYML_DECISION_MAX_VOTE    16u
#define TINYML_DECISION_MAX_CONFIRM 16u
#define TINYML_DECISION_NONE        0xFFu

struct tinyml_decision_config {
	uint8_t n_classes;        /* 1..16 */
	uint8_t background_class; /* never fires; TINYML_DECISION_NONE when every class may */
	uint8_t vote_window;      /* majority over the last N candidates, 1..16 (1: off) */
	uint8_t confirm_k;        /* positives needed within confirm_span_ms, 1..16 */
	uint32_t confirm_span_ms;
	uint32_t refractory_ms; /* no event for this long after one */
	int16_t margin_q15;     /* top-1 minus runner-up must reach this */
	int16_t hysteresis_q15; /* the class that passed last window needs threshold - this */
	int16_t threshold_q15[TINYML_DECISION_MAX_CLASSES];
};

struct tinyml_decision_state {
	uint8_t votes[TINYML_DECISION_MAX_VOTE]; /* candidate classes, NONE for no candidate */
	uint8_t vote_pos;
	uint8_t active;    /* candidate of the previous window */
	uint8_t hit_class; /* class of the positives in hits_ms */
	uint8_t hit_count;
	uint8_t hit_pos;
	uint8_t had_event;
	uint32_t hits_ms[TINYML_DECISION_MAX_CONFIRM];
	uint32_t last_event_ms;
};

struct tinyml_decision_result {
	int candidate; /* class passing threshold and margin this window, or -1 */
	int voted;     /* class holding the majority of the vote window, or -1 */
	int event;     /* class of the event confirmed now, or -1 */
};

/**
 * @brief Validate @p cfg and reset @p state.
 *
 * @retval 0 on success; -EINVAL on NULL or a field out of range.
 */
int tinyml_decision_init(const struct tinyml_decision_config *cfg,
			 struct tinyml_decision_state *state);

/**
 * @brief One window's scores in, the decision out.
 *
 * @retval 0 on success (see @p result).
 * @retval -EINVAL NULL pointer or @p n_scores != cfg->n_classes.
 */
int tinyml_decision_step(const struct tinyml_decision_config *cfg,
			 struct tinyml_decision_state *state, const int16_t *scores_q15,
			 size_t n_scores, uint32_t now_ms, struct tinyml_decision_result *result);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_DECISION_H_ */
