# cmake -P script of the python.installed_package test: `cmake --install --component python` into a
# temporary prefix, then import pmbench from there (not from the build tree) and score a golden case.
# Arguments: PMBENCH_BUILD_DIR, WORK_DIR, PYTHONDIR (relative to the prefix), PYTHON, CASE.
file(REMOVE_RECURSE ${WORK_DIR})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${PMBENCH_BUILD_DIR} --prefix ${WORK_DIR} --component python
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "installed_package: cmake --install failed (exit ${rc})")
endif()
set(script [=[
import os, sys, pmbench
prefix = os.path.realpath(sys.argv[1])
assert os.path.realpath(pmbench.__file__).startswith(prefix), pmbench.__file__
assert os.path.exists(os.path.join(os.path.dirname(pmbench.__file__), "_core.pyi"))
report = pmbench.score(sys.argv[2])
print("installed pmbench", pmbench.__version__, "from", os.path.dirname(pmbench.__file__), "n_clips", report["n_clips"])
]=])
execute_process(COMMAND ${CMAKE_COMMAND} -E env PYTHONPATH=${WORK_DIR}/${PYTHONDIR} PYTHONDONTWRITEBYTECODE=1
                        ${PYTHON} -c "${script}" ${WORK_DIR} ${CASE}
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "installed_package: importing the installed pmbench failed (exit ${rc})")
endif()
