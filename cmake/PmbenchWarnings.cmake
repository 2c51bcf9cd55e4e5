# pmbench_set_warnings(target): the project's warning flags, applied per target (never globally,
# so consumers that add_subdirectory(pmbench) keep their own flags).
function(pmbench_set_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  endif()
endfunction()
