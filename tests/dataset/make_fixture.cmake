# ctest fixture setup: regenerate the CLI test dataset from scratch (cmake -P, -DGENERATOR= -DOUT=).
file(REMOVE_RECURSE "${OUT}")
execute_process(COMMAND "${GENERATOR}" --out "${OUT}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pmbench_make_fixture failed (${rc})")
endif()
