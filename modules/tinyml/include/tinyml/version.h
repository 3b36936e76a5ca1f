/*
 * Version of the portable core, stamped into every event and model check.
 */
#ifndef TINYML_VERSION_H_
#define TINYML_VERSION_H_

#include <stdint.h>

#define TINYML_VERSION_MAJOR 0
#define TINYML_VERSION_MINOR 1
#define TINYML_VERSION_PATCH 0

#ifdef __cplusplus
extern "C" {
#endif

/** @brief "MAJOR.MINOR.PATCH" of the core. */
const char *tinyml_version_string(void);

/** @brief Version packed as (major << 16) | (minor << 8) | patch. */
uint32_t tinyml_version_packed(void);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_VERSION_H_ */
