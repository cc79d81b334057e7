eval where_safe.grad --set x=-1 --json
