/*
 * Release builds: a fatal error reboots the device instead of halting it, so the watchdog,
 * MCUboot's revert and the model slots' boot counting can recover (Zephyr v4.1 has no
 * RESET_ON_FATAL_ERROR of its own).
 */
#include <zephyr/fatal.h>
#include <zephyr/logging/log.h>
#include <zephyr/logging/log_ctrl.h>
#include <zephyr/sys/reboot.h>

LOG_MODULE_DECLARE(tinyml_app, CONFIG_TINYML_APP_LOG_LEVEL);

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	ARG_UNUSED(esf);
	LOG_PANIC();
	LOG_ERR("fatal error %u: rebooting", reason);
	sys_reboot(SYS_REBOOT_COLD);
	CODE_UNREACHABLE;
}
