check where_safe.grad --set x=2
