/* Memory-shaped test image for memreport: every ML category has a named object here. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifndef ARENA_SIZE
#define ARENA_SIZE 16384
#endif

uint8_t tensor_arena[ARENA_SIZE] __attribute__((aligned(16)));
const uint8_t g_model_data[4096] = {[0] = 1, [4095] = 2};
int16_t imu_ringbuf[1024];
float mfcc_feature_scratch[256];
uint8_t worker_thread_stack[2048] __attribute__((section(".noinit.worker_thread_stack")));
int32_t initialized_table[64] = {1, 2, 3};
uint8_t ccm_dma_buffer[1024] __attribute__((section(".ccm_bss")));
int32_t ccm_coefficients[32] __attribute__((section(".ccm_data"))) = {7, 8, 9};
const char banner[] = "memreport test image";

#ifdef ZEPHYR_HEAPS
/* Zephyr's shape: malloc linked as a stub (no arena) and the iterable section of k_heap objects,
 * here holding ZEPHYR_HEAPS descriptors of 20 bytes (0: no k_heap defined). */
#define ZH_STR2(x) #x
#define ZH_STR(x)  ZH_STR2(x)
__asm__(".section .rodata.k_heap_area,\"a\"\n"
	".global _k_heap_list_start\n_k_heap_list_start:\n"
	".space 20 * " ZH_STR(ZEPHYR_HEAPS) "\n"
					    ".global _k_heap_list_end\n_k_heap_list_end:\n"
					    ".text\n");
extern const uint8_t _k_heap_list_start[];
extern const uint8_t _k_heap_list_end[];
void *malloc(size_t size)
{
	(void)size;
	return NULL;
}
static void *(*volatile zephyr_malloc_stub)(size_t) = malloc;
#endif

int arm_convolve_s8(const int8_t *in, int8_t *out, int n);
int tinyml_detect(const int16_t *samples, int n);
/* A C++ name as TFLM has them: tflite::MicroInterpreter::Invoke() */
int tflm_invoke(void) __asm__("_ZN6tflite16MicroInterpreter6InvokeEv");
void Reset_Handler(void);
void edge_entry(void);
extern uint32_t _estack;

int arm_convolve_s8(const int8_t *in, int8_t *out, int n)
{
	int acc = 0;
	for (int i = 0; i < n; i++) {
		acc += in[i] * (int)g_model_data[i % 4096];
		out[i] = (int8_t)(acc >> 8);
	}
	return acc;
}

int tinyml_detect(const int16_t *samples, int n)
{
	float energy = 0.0f;
	for (int i = 0; i < n && i < 256; i++) {
		mfcc_feature_scratch[i] = (float)samples[i] * (float)samples[i];
		energy += mfcc_feature_scratch[i];
	}
	return energy > 1000.0f;
}

int tflm_invoke(void)
{
	return arm_convolve_s8((const int8_t *)imu_ringbuf, (int8_t *)tensor_arena, 512);
}

int main(void)
{
	memcpy(worker_thread_stack, banner, (size_t)initialized_table[0] + sizeof(banner) - 1u);
	ccm_dma_buffer[0] = (uint8_t)ccm_coefficients[1];
	int hits = tinyml_detect(imu_ringbuf, 1024) + tflm_invoke() + initialized_table[2];
#ifdef ZEPHYR_HEAPS
	hits += (int)(_k_heap_list_end - _k_heap_list_start) + (zephyr_malloc_stub(8) != NULL);
#endif
#ifdef USE_HEAP
	uint8_t *scratch = malloc(64);
	if (scratch != NULL) {
		hits += scratch[0];
	}
#endif
	edge_entry();
	return hits;
}

#ifdef USE_HEAP
extern uint8_t __heap_start[];
extern uint8_t __heap_end[];
void *_sbrk(intptr_t increment);
void *_sbrk(intptr_t increment)
{
	static uint8_t *brk = __heap_start;
	uint8_t *prev = brk;
	if (brk + increment > __heap_end) {
		return (void *)-1;
	}
	brk += increment;
	return prev;
}
#endif

void Reset_Handler(void)
{
	(void)main();
	for (;;) {
	}
}

__attribute__((section(".isr_vector"), used)) static const uintptr_t vectors[2] = {
	(uintptr_t)&_estack,
	(uintptr_t)Reset_Handler,
};
