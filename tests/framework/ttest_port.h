/*
 * What the ttest runner needs from the machine it runs on.
 */
#ifndef TTEST_PORT_H_
#define TTEST_PORT_H_

#include <stdarg.h>

int ttest_port_vprintf(const char *fmt, va_list ap);

#endif /* TTEST_PORT_H_ */
