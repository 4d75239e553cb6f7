// HONE_CHECK: aborts on a broken internal invariant. Never use it for anything a model,
// file or user controls; those get a Status.
#pragma once

#include <cstdio>
#include <cstdlib>

#define HONE_CHECK(cond)                                                             \
  do {                                                                               \
    if (!(cond)) {                                                                   \
      std::fprintf(stderr, "hone: internal check failed at %s:%d: %s\n", __FILE__, \
                   __LINE__, #cond);                                                 \
      std::abort();                                                                  \
    }                                                                                \
  } while (0)
