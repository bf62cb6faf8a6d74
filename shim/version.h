#ifndef VOID_VERSION_H
#define VOID_VERSION_H
#define VOID_SHIM_VERSION "0.1.0"
#endif
