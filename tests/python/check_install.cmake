# ctest python_install: `cmake --install BUILD --component python --prefix PREFIX` gives the
# documented layout (docs/python.md), and the installed package imports and runs from
# another directory with only PYTHONPATH pointing at it.
# Usage: cmake -DBUILD_DIR=... -DPREFIX=... -DPYTHON=... -DINSTALL_DIR=... -P check_install.cmake
file(REMOVE_RECURSE ${PREFIX})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --component python --prefix ${PREFIX}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed:\n${out}")
endif()
set(package ${PREFIX}/${INSTALL_DIR}/hone)
foreach(f __init__.py vision.py)
  if(NOT EXISTS ${package}/${f})
    message(FATAL_ERROR "${package}/${f} was not installed")
  endif()
endforeach()
file(GLOB extension ${package}/_hone*.so)
if(NOT extension)
  message(FATAL_ERROR "no _hone*.so in ${package}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E env PYTHONPATH=${PREFIX}/${INSTALL_DIR}
                        ${PYTHON} -c "import hone, hone.vision, numpy as np; assert hone.__file__.startswith('${package}'); e = hone.Builder().build(hone.Network.builtin('tinynet')); print('installed hone', hone.__version__, 'at', hone.__file__, e)"
                WORKING_DIRECTORY ${PREFIX}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
message("${out}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the installed package does not import")
endif()
