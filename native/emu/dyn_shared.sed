s/^([[:space:]]*)extern[[:space:]]+__shared__[[:space:]]+(.*[^[:alnum:]_])([[:alnum:]_]+)[[:space:]]*\[[[:space:]]*\][[:space:]]*;/\1EMU_DYN_SHARED(\3, \2);/
