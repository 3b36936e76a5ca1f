#include <errno.h>

#include <tinyml/decision.h>

#include "ttest.h"

static struct tinyml_decision_config base(void)
{
	struct tinyml_decision_config cfg = {
		.n_classes = 3u,
		.background_class = 0u,
		.vote_window = 1u,
		.confirm_k = 1u,
		.confirm_span_ms = 0u,
		.refractory_ms = 0u,
		.margin_q15 = 0,
		.hysteresis_q15 = 0,
		.threshold_q15 = {0, 20000, 20000},
	};
	return cfg;
}

static int step(const struct tinyml_decision_config *cfg, struct tinyml_decision_state *st,
		int16_t s0, int16_t s1, int16_t s2, uint32_t now, struct tinyml_decision_result *r)
{
	int16_t scores[3] = {s0, s1, s2};

	return tinyml_decision_step(cfg, st, scores, 3u, now, r);
}

TTEST(decision, validates)
{
	struct tinyml_decision_config cfg = base();
	struct tinyml_decision_state st;
	struct tinyml_decision_result r;
	int16_t scores[3] = {0, 0, 0};

	TT_ASSERT_EQ(tinyml_decision_init(&cfg, &st), 0);
	TT_ASSERT_EQ(tinyml_decision_step(&cfg, &st, scores, 2u, 0u, &r), -EINVAL);
	TT_ASSERT_EQ(tinyml_decision_step(&cfg, &st, NULL, 3u, 0u, &r), -EINVAL);
	cfg.vote_window = 0u;
	TT_ASSERT_EQ(tinyml_decision_init(&cfg, &st), -EINVAL);
	cfg = base();
	cfg.confirm_k = 17u;
	TT_ASSERT_EQ(tinyml_decision_init(&cfg, &st), -EINVAL);
	cfg = base();
	cfg.background_class = 3u;
	TT_ASSERT_EQ(tinyml_decision_init(&cfg, &st), -EINVAL);
	cfg = base();
	cfg.n_classes = 0u;
	TT_ASSERT_EQ(tinyml_decision_init(&cfg, &st), -EINVAL);
	TT_ASSERT_EQ(tinyml_decision_init(NULL, &st), -EINVAL);
}

TTEST(decision, threshold_margin_and_background)
{
	struct tinyml_decision_config cfg = base();
	struct tinyml_decision_state st;
	struct tinyml_decision_result r;

	cfg.margin_q15 = 5000;
	TT_ASSERT_EQ(tinyml_decision_init(&cfg, &st), 0);
	TT_ASSERT_EQ(step(&cfg, &st, 1000, 19999, 0, 0u, &r), 0);
	TT_ASSERT_EQ(r.candidate, -1); /* below threshold */
	TT_ASSERT_EQ(step(&cfg, &st, 1000, 25000, 21000, 0u, &r), 0);
	TT_ASSERT_EQ(r.candidate, -1); /* margin 4000 < 5000 */
	TT_ASSERT_EQ(step(&cfg, &st, 1000, 26000, 21000, 0u, &r), 0);
	TT_ASSERT_EQ(r.candidate, 1);
	TT_ASSERT_EQ(r.event, 1);
	TT_ASSERT_EQ(step(&cfg, &st, 30000, 1000, 1000, 0u, &r), 0);
	TT_ASSERT_EQ(r.candidate, -1); /* background never fires */
}

TTEST(decision, hysteresis_keeps_an_active_class)
{
	struct tinyml_decision_config cfg = base();
	struct tinyml_decision_state st;
	struct tinyml_decision_result r;

	cfg.hysteresis_q15 = 3000;
	TT_ASSERT_EQ(tinyml_decision_init(&cfg, &st), 0);
	TT_ASSERT_EQ(step(&cfg, &st, 0, 18000, 0, 0u, &r), 0);
	TT_ASSERT_EQ(r.candidate, -1); /* entering needs 20000 */
	TT_ASSERT_EQ(step(&cfg, &st, 0, 20000, 0, 0u, &r), 0);
	TT_ASSERT_EQ(r.candidate, 1);
	TT_ASSERT_EQ(step(&cfg, &st, 0, 18000, 0, 0u, &r), 0);
	TT_ASSERT_EQ(r.candidate, 1); /* staying needs 17000 */
	TT_ASSERT_EQ(step(&cfg, &st, 0, 16999, 0, 0u, &r), 0);
	TT_ASSERT_EQ(r.candidate, -1);
	TT_ASSERT_EQ(step(&cfg, &st, 0, 18000, 0, 0u, &r), 0);
	TT_ASSERT_EQ(r.candidate, -1);
}

TTEST(decision, majority_vote)
{
	struct tinyml_decision_config cfg = base();
	struct tinyml_decision_state st;
	struct tinyml_decision_result r;

	cfg.vote_window = 3u;
	TT_ASSERT_EQ(tinyml_decision_init(&cfg, &st), 0);
	TT_ASSERT_EQ(step(&cfg, &st, 0, 25000, 0, 0u, &r), 0);
	TT_ASSERT_EQ(r.voted, -1); /* 1 of 3 */
	TT_ASSERT_EQ(step(&cfg, &st, 0, 0, 25000, 0u, &r), 0);
	TT_ASSERT_EQ(r.voted, -1);
	TT_ASSERT_EQ(step(&cfg, &st, 0, 25000, 0, 0u, &r), 0);
	TT_ASSERT_EQ(r.voted, 1); /* 2 of 3 */
	TT_ASSERT_EQ(r.event, 1);
	TT_ASSERT_EQ(step(&cfg, &st, 0, 0, 25000, 0u, &r), 0);
	TT_ASSERT_EQ(r.voted, 2); /* the last three: 1, 2, 2 */
}

TTEST(decision, two_within_span_then_refractory)
{
	struct tinyml_decision_config cfg = base();
	struct tinyml_decision_state st;
	struct tinyml_decision_result r;

	cfg.confirm_k = 2u;
	cfg.confirm_span_ms = 400u;
	cfg.refractory_ms = 1000u;
	TT_ASSERT_EQ(tinyml_decision_init(&cfg, &st), 0);
	TT_ASSERT_EQ(step(&cfg, &st, 0, 25000, 0, 1000u, &r), 0);
	TT_ASSERT_EQ(r.event, -1); /* first knock */
	TT_ASSERT_EQ(step(&cfg, &st, 0, 25000, 0, 1500u, &r), 0);
	TT_ASSERT_EQ(r.event, -1); /* 500 ms later: the first fell out of the span */
	TT_ASSERT_EQ(step(&cfg, &st, 0, 25000, 0, 1800u, &r), 0);
	TT_ASSERT_EQ(r.event, 1); /* two within 400 ms */
	TT_ASSERT_EQ(step(&cfg, &st, 0, 25000, 0, 2000u, &r), 0);
	TT_ASSERT_EQ(r.event, -1);
	TT_ASSERT_EQ(step(&cfg, &st, 0, 25000, 0, 2700u, &r), 0);
	TT_ASSERT_EQ(r.event, -1); /* refractory until 2800 */
	TT_ASSERT_EQ(step(&cfg, &st, 0, 25000, 0, 2800u, &r), 0);
	TT_ASSERT_EQ(r.event, -1); /* first positive after the refractory time */
	TT_ASSERT_EQ(step(&cfg, &st, 0, 25000, 0, 2900u, &r), 0);
	TT_ASSERT_EQ(r.event, 1);
	/* A class change restarts the count. */
	TT_ASSERT_EQ(step(&cfg, &st, 0, 25000, 0, 5000u, &r), 0);
	TT_ASSERT_EQ(step(&cfg, &st, 0, 0, 25000, 5100u, &r), 0);
	TT_ASSERT_EQ(r.event, -1);
	TT_ASSERT_EQ(step(&cfg, &st, 0, 0, 25000, 5200u, &r), 0);
	TT_ASSERT_EQ(r.event, 2);
}
