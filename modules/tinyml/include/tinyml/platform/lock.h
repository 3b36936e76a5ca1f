/*
 * Lock seam: one short critical section for state shared between threads (never an ISR path;
 * ISR-to-thread data goes through the lock-free ring buffer instead).
 */
#ifndef TINYML_PLATFORM_LOCK_H_
#define TINYML_PLATFORM_LOCK_H_

#ifdef __cplusplus
extern "C" {
#endif

void tinyml_platform_lock(void);
void tinyml_platform_unlock(void);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_PLATFORM_LOCK_H_ */
