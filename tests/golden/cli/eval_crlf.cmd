eval crlf.grad --set x=2 --json
