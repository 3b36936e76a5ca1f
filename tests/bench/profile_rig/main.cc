/*
 * Profile rig: runs one embedded .tflite model with TFLM + CMSIS-NN on the emulated Cortex-M4F
 * and prints, on UART0:
 *
 *   RIG ARENA <size> USED <arena_used_bytes()>      after AllocateTensors()
 *   RIG INVOKE <instructions>                       one Invoke(), profiler off (mean of runs)
 *   node,op,instructions / <i>,<op>,<n> / total,,<n> per-node CSV of tinyml::TflmProfiler
 *   RIG OUTPUT <FNV-1a of every output byte>
 *   RIG OK
 *
 * The arena size comes from the semihosting command line ("rig <bytes>"), so the host can bisect
 * the smallest working arena without rebuilding. Exit 0 when everything ran, 2 when
 * AllocateTensors() failed, 3 on Invoke() failure (a fault also exits 3, from the port).
 */
#include <stdint.h>
#include <string.h>

#include "tensorflow/lite/micro/micro_interpreter.h"
#include "tensorflow/lite/micro/micro_mutable_op_resolver.h"
#include "tflm_profiler.h"

extern "C" {
#include "console.h"
#include "semihost.h"
#include <tinyml/platform/cost.h>
}

extern "C" const unsigned char rig_model[];
extern "C" const unsigned int rig_model_len;

namespace
{

constexpr int kRuns = 4;
constexpr unsigned kSysGetCmdline = 0x15u;

alignas(16) uint8_t arena[RIG_ARENA_MAX];

uint32_t semihost(uint32_t op, void *arg)
{
	register uint32_t r0 __asm__("r0") = op;
	register void *r1 __asm__("r1") = arg;

	__asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
	return r0;
}

bool quick; /* "rig <bytes> quick": one Invoke() and the output hash only (arena bisection) */

/* "rig <bytes>" on the semihosting command line; RIG_ARENA_MAX without one. */
size_t arena_size_from_cmdline()
{
	static char line[128];
	struct {
		char *buf;
		uint32_t len;
	} block = {line, sizeof(line) - 1};
	if (semihost(kSysGetCmdline, &block) != 0u) {
		return RIG_ARENA_MAX;
	}
	line[block.len < sizeof(line) ? block.len : sizeof(line) - 1] = '\0';
	const char *p = strchr(line, ' ');
	if (p == nullptr) {
		return RIG_ARENA_MAX;
	}
	size_t size = 0;
	for (++p; *p >= '0' && *p <= '9'; ++p) {
		size = size * 10u + static_cast<size_t>(*p - '0');
	}
	quick = strstr(p, "quick") != nullptr;
	return size > 0u && size <= RIG_ARENA_MAX ? size : RIG_ARENA_MAX;
}

void print_line(void *, const char *line)
{
	console_printf("%s\r\n", line);
}

/* Deterministic input: an LCG over the raw bytes, floats kept small and finite. */
void fill_input(TfLiteTensor *t, uint32_t seed)
{
	uint32_t x = seed;
	if (t->type == kTfLiteFloat32) {
		float *f = tflite::GetTensorData<float>(t);
		for (size_t i = 0; i < t->bytes / sizeof(float); i++) {
			x = x * 1664525u + 1013904223u;
			f[i] = static_cast<float>(static_cast<int32_t>(x >> 16) - 32768) / 32768.0f;
		}
		return;
	}
	for (size_t i = 0; i < t->bytes; i++) {
		x = x * 1664525u + 1013904223u;
		t->data.uint8[i] = static_cast<uint8_t>(x >> 24);
	}
}

uint32_t fnv1a(uint32_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h = (h ^ p[i]) * 16777619u;
	}
	return h;
}

void print_output_hash(tflite::MicroInterpreter &interp)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < interp.outputs_size(); i++) {
		TfLiteTensor *t = interp.output(i);
		h = fnv1a(h, t->data.uint8, t->bytes);
	}
	console_printf("RIG OUTPUT %08x\r\n", static_cast<unsigned>(h));
	console_printf("RIG OK\r\n");
}

using Resolver = tflite::MicroMutableOpResolver<48>;

void add_ops(Resolver &r)
{
	r.AddAdd();
	r.AddAveragePool2D();
	r.AddConcatenation();
	r.AddConv2D();
	r.AddDepthwiseConv2D();
	r.AddDequantize();
	r.AddExpandDims();
	r.AddFullyConnected();
	r.AddHardSwish();
	r.AddLeakyRelu();
	r.AddLogistic();
	r.AddMaxPool2D();
	r.AddMean();
	r.AddMul();
	r.AddPad();
	r.AddPadV2();
	r.AddQuantize();
	r.AddRelu();
	r.AddRelu6();
	r.AddReshape();
	r.AddSoftmax();
	r.AddStridedSlice();
	r.AddSum();
	r.AddTanh();
	r.AddUnidirectionalSequenceLSTM();
	r.AddReduceMax();
}

} /* namespace */

/* TFLM's log sink: straight to the UART (no stdio, no heap). */
extern "C" void DebugLog(const char *format, va_list args)
{
	(void)console_vprintf(format, args);
}

extern "C" int DebugVsnprintf(char *buffer, size_t buf_size, const char *format, va_list vlist)
{
	return console_vsnprintf(buffer, buf_size, format, vlist);
}

extern "C" void __cxa_pure_virtual()
{
	console_puts("FATAL pure virtual call\r\n");
	semihost_exit(3);
}

void *__dso_handle = nullptr;

/* newlib's abort() and stdio reach these; nothing here uses files. A call ends the run. */
extern "C" {
void _exit(int status)
{
	console_printf("RIG EXIT %d\r\n", status);
	semihost_exit(status == 0 ? 5 : status);
}
int _kill(int, int)
{
	_exit(6);
}
int _getpid(void)
{
	return 1;
}
int _write(int, const char *buf, int len)
{
	console_write(buf, static_cast<size_t>(len));
	return len;
}
int _read(int, char *, int)
{
	return 0;
}
int _close(int)
{
	return -1;
}
int _lseek(int, int, int)
{
	return -1;
}
int _isatty(int)
{
	return 1;
}
struct stat;
int _fstat(int, struct stat *)
{
	return -1;
}
}

extern "C" int main(void)
{
	const size_t arena_size = arena_size_from_cmdline();
	const tflite::Model *model = tflite::GetModel(rig_model);
	Resolver resolver;
	add_ops(resolver);
	tinyml::TflmProfiler profiler;
	tflite::MicroInterpreter interp(model, resolver, arena, arena_size, nullptr, &profiler);

	if (interp.AllocateTensors() != kTfLiteOk) {
		console_printf("RIG ALLOC_FAILED %u\r\n", static_cast<unsigned>(arena_size));
		return 2;
	}
	console_printf("RIG ARENA %u USED %u\r\n", static_cast<unsigned>(arena_size),
		       static_cast<unsigned>(interp.arena_used_bytes()));
	for (size_t i = 0; i < interp.inputs_size(); i++) {
		fill_input(interp.input(i), 12345u + static_cast<uint32_t>(i));
	}
	/* Warm-up, then the whole Invoke() with the profiler off, then per node. */
	profiler.SetEnabled(false);
	if (interp.Invoke() != kTfLiteOk) {
		console_printf("RIG INVOKE_FAILED\r\n");
		return 3;
	}
	if (quick) {
		print_output_hash(interp);
		return 0;
	}
	uint64_t whole = 0;
	for (int r = 0; r < kRuns; r++) {
		uint64_t t0 = tinyml_platform_cost_now();
		(void)interp.Invoke();
		whole += tinyml_platform_cost_now() - t0;
	}
	console_printf("RIG INVOKE %llu\r\n",
		       static_cast<unsigned long long>((whole + kRuns / 2) / kRuns));
	profiler.SetEnabled(true);
	profiler.Reset();
	for (int r = 0; r < kRuns; r++) {
		profiler.NextRun();
		(void)interp.Invoke();
	}
	(void)profiler.WriteCsv(print_line, nullptr);
	print_output_hash(interp);
	return 0;
}
