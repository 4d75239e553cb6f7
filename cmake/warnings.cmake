# Warning flags for Hone's own targets (never applied to third-party code).
function(hone_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers)
endfunction()
