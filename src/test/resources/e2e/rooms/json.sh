#!/bin/sh
# A --framing=json room program: repeats every event line to everyone as it is; a message "to ID TEXT" is
# answered with {"to":"ID","data":"TEXT"}, "close ID" with {"close":"ID","code":4001}.
while IFS= read -r line; do
  echo "$line"
  data=$(printf '%s\n' "$line" | sed -n 's/.*"data":"\(.*\)"}$/\1/p')
  case "$data" in
    "to "*) rest=${data#to }; echo "{\"to\":\"${rest%% *}\",\"data\":\"${rest#* }\"}" ;;
    "close "*) echo "{\"close\":\"${data#close }\",\"code\":4001}" ;;
  esac
done
