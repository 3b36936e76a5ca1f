#include <tinyml/version.h>

#define TINYML_STR2(x) #x
#define TINYML_STR(x)  TINYML_STR2(x)

const char *tinyml_version_string(void)
{
	return TINYML_STR(TINYML_VERSION_MAJOR) "." TINYML_STR(TINYML_VERSION_MINOR) "." TINYML_STR(
		TINYML_VERSION_PATCH);
}

uint32_t tinyml_version_packed(void)
{
	return ((uint32_t)TINYML_VERSION_MAJOR << 16) | ((uint32_t)TINYML_VERSION_MINOR << 8) |
	       (uint32_t)TINYML_VERSION_PATCH;
}
