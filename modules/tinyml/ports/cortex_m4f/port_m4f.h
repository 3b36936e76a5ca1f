/*
 * Internals shared by the bare-metal port's files.
 */
#ifndef TINYML_PORT_M4F_H_
#define TINYML_PORT_M4F_H_

void port_m4f_cost_init(void);

/** @brief The application's entry, called by the reset handler once RAM and FPU are ready. */
int main(void);

#endif /* TINYML_PORT_M4F_H_ */
