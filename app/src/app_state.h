/*
 * The application's view of the field-safe state (state.c): settings, event log, model slots.
 */
#ifndef TINYML_APP_STATE_H_
#define TINYML_APP_STATE_H_

#include <stdbool.h>
#include <stdint.h>

#include <tinyml/eventlog.h>
#include <tinyml/modelpkg.h>
#include <tinyml/modelslot.h>
#include <tinyml/version.h>

#include "app.h"

/** Open every area, start the crypto backend, load settings, event log and model slots. */
int app_state_init(uint32_t pipeline_id);

int app_state_active_slot(void);
const struct tinyml_modelpkg_info *app_state_model_info(void);
bool app_state_model_enabled(void);
int16_t app_state_threshold_q15(unsigned int class_id);

/** `tinyml config get/set`: by setting ID (tinyml/settings.h), range-checked by the core. */
int app_state_config_get(unsigned int id, int32_t *value);
int app_state_config_set(unsigned int id, int32_t value);

/** Queue an event in the flash log; poll flushes it when due. */
int app_state_log_event(const struct app_event_summary *summary);
int app_state_poll(uint32_t now_ms);
int app_state_log_walk(tinyml_eventlog_visit_t visit, void *ctx);

/** The model slots' callbacks and self-test set (health.c). */
int app_health_classify(void *ctx, uint32_t sample, uint16_t *class_out);
int app_health_selftest(struct tinyml_modelslot_selftest *out);

#endif /* TINYML_APP_STATE_H_ */
