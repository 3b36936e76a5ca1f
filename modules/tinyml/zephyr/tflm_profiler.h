/*
 * Per-operator timing of a TFLM Invoke(): a tflite::MicroProfilerInterface that records the
 * cost of each node in a fixed table (no heap) and prints it as CSV.
 *
 * The interpreter calls BeginEvent()/EndEvent() around every node it invokes (TFLM's
 * micro_interpreter_graph.cc; only when TF_LITE_STRIP_ERROR_STRINGS is not defined). The cost
 * source is tinyml_platform_cost_now(): k_cycle_get_32() cycles on Zephyr, executed
 * instructions on the emulated Cortex-M4F. `west profile MODEL --measured FILE.csv` reads the
 * CSV back into the same per-layer table as the estimate (docs/profile.md).
 *
 *   tinyml::TflmProfiler profiler;                        // before the interpreter
 *   tflite::MicroInterpreter interp(model, resolver, arena, size, nullptr, &profiler);
 *   interp.AllocateTensors();
 *   profiler.Reset();
 *   for (int i = 0; i < runs; i++) { profiler.NextRun(); interp.Invoke(); }
 *   profiler.WriteCsv(print_line, ctx);                   // one call per line, no newline
 */
#ifndef TINYML_ZEPHYR_TFLM_PROFILER_H_
#define TINYML_ZEPHYR_TFLM_PROFILER_H_

#include <stddef.h>
#include <stdint.h>

#include "tensorflow/lite/micro/micro_profiler_interface.h"

#ifndef TINYML_TFLM_PROFILER_MAX_EVENTS
#define TINYML_TFLM_PROFILER_MAX_EVENTS 128
#endif

namespace tinyml
{

class TflmProfiler : public tflite::MicroProfilerInterface
{
      public:
	/** Reads the cost counter; tinyml_platform_cost_now() unless a test passes another. */
	using NowFn = uint64_t (*)(void);
	/** Receives one CSV line (NUL-terminated, without a newline). */
	using LineFn = void (*)(void *ctx, const char *line);

	static constexpr size_t kMaxEvents = TINYML_TFLM_PROFILER_MAX_EVENTS;

	explicit TflmProfiler(NowFn now = nullptr);

	uint32_t BeginEvent(const char *tag) override;
	void EndEvent(uint32_t event_handle) override;

	/** Forget every recorded event and run. */
	void Reset();
	/** Start a run: the next event is node 0 again; costs add up over runs. */
	void NextRun();
	/** While disabled, events are ignored (for timing Invoke() as a whole). */
	void SetEnabled(bool enabled)
	{
		enabled_ = enabled;
	}

	size_t event_count() const
	{
		return count_;
	}
	uint32_t runs() const
	{
		return runs_;
	}
	/** True when a run had more nodes than kMaxEvents (the extra nodes were not recorded). */
	bool overflowed() const
	{
		return overflowed_;
	}
	const char *tag(size_t index) const;
	/** Mean cost per run of event @p index (0 when out of range or no run). */
	uint64_t cost(size_t index) const;

	/**
	 * Emit the table: "node,op,<unit>" then "<index>,<op>,<mean cost per run>" per node, then
	 * "total,,<sum>" and, if nodes were dropped, "overflow,,<kMaxEvents>". @p unit is the
	 * counter's unit (tinyml_platform_cost_unit() when null).
	 *
	 * @retval 0 on success.
	 * @retval -ENODATA when no run was recorded.
	 * @retval -EINVAL when @p emit is null.
	 */
	int WriteCsv(LineFn emit, void *ctx, const char *unit = nullptr) const;

      private:
	struct Event {
		const char *tag;
		uint64_t start;
		uint64_t total;
	};

	NowFn now_;
	Event events_[kMaxEvents];
	size_t count_;
	size_t cursor_;
	uint32_t runs_;
	bool enabled_;
	bool overflowed_;
};

} /* namespace tinyml */

#endif /* TINYML_ZEPHYR_TFLM_PROFILER_H_ */
