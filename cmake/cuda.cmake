# The CUDA backend's toolchain (HONE_WITH_CUDA): nvcc for src/backends/cuda/kernels/*.cu,
# the CUDA runtime linked statically (a machine without a GPU or driver still loads Hone; the
# backend then reports "no CUDA device"), cuBLASLt and cuDNN 9 as shared libraries.
#
# Machine code for sm_80 (A100) and sm_90a (H100/H200, with Hopper's own instructions), plus
# compute_90 PTX that newer GPUs compile at load. Given as -gencode flags rather than
# CMAKE_CUDA_ARCHITECTURES, which spells "90a" only in newer CMake. The .cu files are
# C++17: CMake 3.25 knows no C++20 flag for nvcc (the host code stays C++20).
set(CMAKE_CUDA_ARCHITECTURES OFF)
set(CMAKE_CUDA_RUNTIME_LIBRARY Static)
enable_language(CUDA)
find_package(CUDAToolkit REQUIRED)
if(HONE_CCACHE AND NOT CMAKE_CUDA_COMPILER_LAUNCHER)
  set(CMAKE_CUDA_COMPILER_LAUNCHER ${HONE_CCACHE})
endif()

set(HONE_CUDA_GENCODE -gencode=arch=compute_80,code=sm_80 -gencode=arch=compute_90a,code=sm_90a
                      -gencode=arch=compute_90,code=compute_90)

# cuDNN ships in the toolkit's folders here, in Debian's multiarch folders elsewhere.
find_path(HONE_CUDNN_INCLUDE cudnn.h HINTS ${CUDAToolkit_INCLUDE_DIRS} PATH_SUFFIXES x86_64-linux-gnu)
find_library(HONE_CUDNN_LIBRARY cudnn HINTS ${CUDAToolkit_LIBRARY_DIR} ${CUDAToolkit_LIBRARY_ROOT}/lib64)
if(NOT HONE_CUDNN_INCLUDE OR NOT HONE_CUDNN_LIBRARY)
  message(FATAL_ERROR "HONE_WITH_CUDA: cuDNN 9 (cudnn.h, libcudnn) not found; install it or configure with -DHONE_WITH_CUDA=OFF")
endif()
message(STATUS "CUDA backend: nvcc ${CMAKE_CUDA_COMPILER_VERSION}, cuDNN ${HONE_CUDNN_LIBRARY}")

# Flags for Hone's CUDA sources: warnings as errors like the C++ (forwarded to the host
# compiler), and nvcc's own warnings.
function(hone_set_cuda_flags target)
  set_target_properties(${target} PROPERTIES CUDA_STANDARD 17 CUDA_STANDARD_REQUIRED ON)
  set(flags ${HONE_CUDA_GENCODE} -Werror=all-warnings
            -Xcompiler=-Wall,-Wextra,-Werror,-Wno-unused-parameter,-Wno-missing-field-initializers)
  target_compile_options(${target} PRIVATE "$<$<COMPILE_LANGUAGE:CUDA>:${flags}>")
endfunction()
