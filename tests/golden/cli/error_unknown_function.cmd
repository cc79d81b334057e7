eval unknown_function.grad --set x=1
