/*
 * Per-operator timing of a TFLM Invoke() in a fixed table; see tflm_profiler.h.
 */
#include "tflm_profiler.h"

#include <errno.h>

#include <tinyml/platform/cost.h>

namespace tinyml
{

namespace
{

constexpr uint32_t kNoEvent = 0xFFFFFFFFu;
constexpr size_t kLineMax = 96;

/* Append @p s to @p line at @p *pos, truncating at kLineMax - 1. */
void append(char *line, size_t *pos, const char *s)
{
	while (*s != '\0' && *pos + 1 < kLineMax) {
		line[(*pos)++] = *s++;
	}
	line[*pos] = '\0';
}

void append_u64(char *line, size_t *pos, uint64_t value)
{
	char digits[21];
	size_t n = 0;

	do {
		digits[n++] = static_cast<char>('0' + value % 10u);
		value /= 10u;
	} while (value != 0u);
	char out[21];
	for (size_t i = 0; i < n; i++) {
		out[i] = digits[n - 1 - i];
	}
	out[n] = '\0';
	append(line, pos, out);
}

} /* namespace */

TflmProfiler::TflmProfiler(NowFn now)
	: now_(now != nullptr ? now : tinyml_platform_cost_now), events_(), count_(0), cursor_(0),
	  runs_(0), enabled_(true), overflowed_(false)
{
}

uint32_t TflmProfiler::BeginEvent(const char *tag)
{
	if (!enabled_) {
		return kNoEvent;
	}
	if (cursor_ >= kMaxEvents) {
		overflowed_ = true;
		return kNoEvent;
	}
	size_t slot = cursor_++;
	if (slot >= count_) {
		events_[slot].tag = tag;
		events_[slot].total = 0;
		count_ = slot + 1;
	}
	events_[slot].start = now_();
	return static_cast<uint32_t>(slot);
}

void TflmProfiler::EndEvent(uint32_t event_handle)
{
	uint64_t end = now_();

	if (event_handle == kNoEvent || event_handle >= count_) {
		return;
	}
	events_[event_handle].total += end - events_[event_handle].start;
}

void TflmProfiler::Reset()
{
	count_ = 0;
	cursor_ = 0;
	runs_ = 0;
	overflowed_ = false;
}

void TflmProfiler::NextRun()
{
	cursor_ = 0;
	runs_++;
}

const char *TflmProfiler::tag(size_t index) const
{
	return index < count_ && events_[index].tag != nullptr ? events_[index].tag : "";
}

uint64_t TflmProfiler::cost(size_t index) const
{
	if (index >= count_ || runs_ == 0u) {
		return 0;
	}
	return (events_[index].total + runs_ / 2u) / runs_;
}

int TflmProfiler::WriteCsv(LineFn emit, void *ctx, const char *unit) const
{
	char line[kLineMax];
	size_t pos = 0;
	uint64_t sum = 0;

	if (emit == nullptr) {
		return -EINVAL;
	}
	if (runs_ == 0u || count_ == 0u) {
		return -ENODATA;
	}
	append(line, &pos, "node,op,");
	append(line, &pos, unit != nullptr ? unit : tinyml_platform_cost_unit());
	emit(ctx, line);
	for (size_t i = 0; i < count_; i++) {
		pos = 0;
		append_u64(line, &pos, i);
		append(line, &pos, ",");
		append(line, &pos, tag(i));
		append(line, &pos, ",");
		append_u64(line, &pos, cost(i));
		emit(ctx, line);
		sum += cost(i);
	}
	pos = 0;
	append(line, &pos, "total,,");
	append_u64(line, &pos, sum);
	emit(ctx, line);
	if (overflowed_) {
		pos = 0;
		append(line, &pos, "overflow,,");
		append_u64(line, &pos, kMaxEvents);
		emit(ctx, line);
	}
	return 0;
}

} /* namespace tinyml */
