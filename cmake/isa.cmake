# Per-file instruction-set flags. Hone is built for baseline x86-64; a source whose name ends
# in _avx2.cpp, _avx512.cpp, _avx512vnni.cpp or _avx512bf16.cpp is compiled for that ISA and
# its functions are only called after the CPUID check of src/backends/cpu/dispatch.cpp.
function(hone_set_isa_flags)
  set(avx2 -mavx2 -mfma -mf16c)
  # -Wno-uninitialized: GCC 12 warns inside its own avx512fintrin.h, whose intrinsics start
  # from _mm512_undefined_* values on purpose (GCC bug 105593).
  set(avx512 ${avx2} -mavx512f -mavx512bw -mavx512dq -mavx512vl -Wno-uninitialized)
  foreach(src ${ARGN})
    if(src MATCHES "_avx512vnni\\.cpp$")
      set_source_files_properties(${src} PROPERTIES COMPILE_OPTIONS "${avx512};-mavx512vnni")
    elseif(src MATCHES "_avx512bf16\\.cpp$")
      set_source_files_properties(${src} PROPERTIES COMPILE_OPTIONS "${avx512};-mavx512bf16")
    elseif(src MATCHES "_avx512\\.cpp$")
      set_source_files_properties(${src} PROPERTIES COMPILE_OPTIONS "${avx512}")
    elseif(src MATCHES "_avx2\\.cpp$")
      set_source_files_properties(${src} PROPERTIES COMPILE_OPTIONS "${avx2}")
    endif()
  endforeach()
endfunction()
