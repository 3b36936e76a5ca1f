/*
 * Decision chain per window: threshold (with hysteresis) and margin -> candidate; majority vote
 * over the last vote_window candidates -> voted; k voted positives of one class within
 * confirm_span_ms, outside the refractory time -> event.
 */
#include <errno.h>
#include <string.h>

#include <tinyml/decision.h>

int tinyml_decision_init(const struct tinyml_decision_config *cfg,
			 struct tinyml_decision_state *state)
{
	if (cfg == NULL || state == NULL || cfg->n_classes == 0u ||
	    cfg->n_classes > TINYML_DECISION_MAX_CLASSES || cfg->vote_window == 0u ||
	    cfg->vote_window > TINYML_DECISION_MAX_VOTE || cfg->confirm_k == 0u ||
	    cfg->confirm_k > TINYML_DECISION_MAX_CONFIRM || cfg->margin_q15 < 0 ||
	    cfg->hysteresis_q15 < 0 ||
	    (cfg->background_class != TINYML_DECISION_NONE &&
	     cfg->background_class >= cfg->n_classes)) {
		return -EINVAL;
	}
	memset(state, 0, sizeof(*state));
	memset(state->votes, TINYML_DECISION_NONE, sizeof(state->votes));
	state->active = TINYML_DECISION_NONE;
	state->hit_class = TINYML_DECISION_NONE;
	return 0;
}

static uint8_t candidate_of(const struct tinyml_decision_config *cfg, uint8_t active,
			    const int16_t *scores)
{
	int32_t best = scores[0];
	int32_t second = -32769;
	uint8_t top = 0u;
	int32_t threshold;
	uint8_t c;

	for (c = 1u; c < cfg->n_classes; c++) {
		if (scores[c] > best) {
			second = best;
			best = scores[c];
			top = c;
		} else if (scores[c] > second) {
			second = scores[c];
		}
	}
	if (top == cfg->background_class) {
		return TINYML_DECISION_NONE;
	}
	threshold = cfg->threshold_q15[top] - (top == active ? cfg->hysteresis_q15 : 0);
	if (best < threshold || (cfg->n_classes > 1u && best - second < cfg->margin_q15)) {
		return TINYML_DECISION_NONE;
	}
	return top;
}

static uint8_t majority(const struct tinyml_decision_config *cfg,
			const struct tinyml_decision_state *st)
{
	uint8_t i;
	uint8_t j;

	for (i = 0u; i < cfg->vote_window; i++) {
		uint8_t c = st->votes[i];
		uint32_t count = 0u;

		if (c == TINYML_DECISION_NONE) {
			continue;
		}
		for (j = 0u; j < cfg->vote_window; j++) {
			count += st->votes[j] == c;
		}
		if (2u * count > cfg->vote_window) {
			return c;
		}
	}
	return TINYML_DECISION_NONE;
}

/* Keep only positives within the span ending now; returns how many remain. */
static uint8_t prune_hits(const struct tinyml_decision_config *cfg,
			  struct tinyml_decision_state *st, uint32_t now_ms)
{
	uint8_t kept = 0u;
	uint8_t i;

	for (i = 0u; i < st->hit_count; i++) {
		uint32_t t = st->hits_ms[i];

		if (now_ms - t <= cfg->confirm_span_ms) {
			st->hits_ms[kept++] = t;
		}
	}
	st->hit_count = kept;
	return kept;
}

int tinyml_decision_step(const struct tinyml_decision_config *cfg,
			 struct tinyml_decision_state *state, const int16_t *scores_q15,
			 size_t n_scores, uint32_t now_ms, struct tinyml_decision_result *result)
{
	uint8_t cand;
	uint8_t voted;

	if (cfg == NULL || state == NULL || scores_q15 == NULL || result == NULL ||
	    n_scores != cfg->n_classes || cfg->vote_window == 0u ||
	    cfg->vote_window > TINYML_DECISION_MAX_VOTE || cfg->confirm_k == 0u ||
	    cfg->confirm_k > TINYML_DECISION_MAX_CONFIRM) {
		return -EINVAL;
	}
	cand = candidate_of(cfg, state->active, scores_q15);
	state->active = cand;
	state->votes[state->vote_pos] = cand;
	state->vote_pos = (uint8_t)((state->vote_pos + 1u) % cfg->vote_window);
	voted = majority(cfg, state);
	result->candidate = cand == TINYML_DECISION_NONE ? -1 : cand;
	result->voted = voted == TINYML_DECISION_NONE ? -1 : voted;
	result->event = -1;
	if (voted == TINYML_DECISION_NONE) {
		return 0;
	}
	if (state->had_event && now_ms - state->last_event_ms < cfg->refractory_ms) {
		return 0;
	}
	if (voted != state->hit_class) {
		state->hit_class = voted;
		state->hit_count = 0u;
	}
	if (prune_hits(cfg, state, now_ms) == TINYML_DECISION_MAX_CONFIRM) {
		memmove(state->hits_ms, state->hits_ms + 1,
			(TINYML_DECISION_MAX_CONFIRM - 1u) * sizeof(state->hits_ms[0]));
		state->hit_count--;
	}
	state->hits_ms[state->hit_count++] = now_ms;
	if (state->hit_count >= cfg->confirm_k) {
		result->event = voted;
		state->had_event = 1u;
		state->last_event_ms = now_ms;
		state->hit_count = 0u;
	}
	return 0;
}
