# Warning flags for Hone's own targets (never applied to third-party code).
# -Wno-restrict: GCC 12 reports false -Wrestrict overlaps inside libstdc++'s string
# concatenation at -O3 (GCC bug 105329); Hone has no restrict-qualified code of its own.
# C++ sources only: nvcc takes its own spelling (cmake/cuda.cmake, hone_set_cuda_flags).
function(hone_set_warnings target)
  set(flags -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers
            $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)
  target_compile_options(${target} PRIVATE "$<$<COMPILE_LANGUAGE:CXX>:${flags}>")
endfunction()
