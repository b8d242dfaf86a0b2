# Writes switchyard-cli.1 from its template and the real help texts, so the
# man page lists exactly the commands and options the program has.
#
#   cmake -DCLI=path/to/switchyard-cli -DTEMPLATE=switchyard-cli.1.in
#         -DOUT=switchyard-cli.1 -DVERSION=0.1.0 -P GenerateManPage.cmake
#
# The template's @COMMANDS@ becomes one subsection per command listed under
# "Commands:" in `switchyard-cli --help`, holding that command's summary and
# its `COMMAND --help` verbatim (no-fill). @DATE@ honours SOURCE_DATE_EPOCH.

cmake_policy(VERSION 3.25)

foreach(var CLI TEMPLATE OUT VERSION)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "GenerateManPage.cmake: -D${var}=… is required")
  endif()
endforeach()

# Text to roff: backslashes, minus signs, and lines that would read as requests.
# Semicolons are swapped out first: CMake would take them for list separators.
function(to_roff text out)
  string(REPLACE "\\" "\\e" text "${text}")
  string(REPLACE "-" "\\-" text "${text}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

function(run_cli out)
  execute_process(COMMAND "${CLI}" ${ARGN}
                  OUTPUT_VARIABLE text ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "GenerateManPage.cmake: '${CLI} ${ARGN}' failed (${rc}): ${err}")
  endif()
  string(REPLACE ";" "@SEMICOLON@" text "${text}")
  string(STRIP "${text}" text)
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

run_cli(top --help)
string(FIND "${top}" "\nCommands:\n" at)
if(at EQUAL -1)
  message(FATAL_ERROR "GenerateManPage.cmake: no 'Commands:' list in '${CLI} --help'")
endif()
string(SUBSTRING "${top}" ${at} -1 listing)
string(FIND "${listing}" "\n\n" end)
string(SUBSTRING "${listing}" 0 ${end} listing)
string(REGEX MATCHALL "\n  [a-z][a-z0-9-]*  " names "${listing}")

set(commands "")
foreach(raw IN LISTS names)
  string(STRIP "${raw}" name)
  string(REGEX MATCH "\n  ${name}  +([^\n]*)" _ "${listing}")
  to_roff("${CMAKE_MATCH_1}" summary)
  run_cli(help ${name} --help)
  to_roff("${help}" help)
  string(APPEND commands ".SS ${name}\n${summary}.\n.PP\n.nf\n.RS 4\n${help}\n.RE\n.fi\n")
endforeach()
list(LENGTH names count)
if(count EQUAL 0)
  message(FATAL_ERROR "GenerateManPage.cmake: found no commands in '${CLI} --help'")
endif()

file(READ "${TEMPLATE}" page)
string(TIMESTAMP date "%Y-%m-%d" UTC)
string(REPLACE "@COMMANDS@" "${commands}" page "${page}")
string(REPLACE "@VERSION@" "${VERSION}" page "${page}")
string(REPLACE "@DATE@" "${date}" page "${page}")
string(REPLACE "@SEMICOLON@" ";" page "${page}")
string(REGEX REPLACE "\n+$" "\n" page "${page}")
file(WRITE "${OUT}.tmp" "${page}")
file(RENAME "${OUT}.tmp" "${OUT}")
message(STATUS "Wrote ${OUT} (${count} commands)")
