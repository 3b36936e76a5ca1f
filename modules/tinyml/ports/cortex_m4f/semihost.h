/*
 * Arm semihosting calls used by the QEMU target: console and exit with a status code.
 */
#ifndef TINYML_PORT_SEMIHOST_H_
#define TINYML_PORT_SEMIHOST_H_

/** @brief End the emulation; QEMU exits with @p status (needs -semihosting-config enable=on). */
__attribute__((noreturn)) void semihost_exit(int status);

#endif /* TINYML_PORT_SEMIHOST_H_ */
