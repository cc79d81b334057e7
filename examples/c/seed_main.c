/* A C program using a kernel compiled ahead of time:
 *   gradc compile examples/seed_net.grad -o seed_net.o --header seed_net.h
 *   cc -I. examples/c/seed_main.c seed_net.o -lm -o seed_main && ./seed_main */
#include <stdio.h>

#include "seed_net.h"

int main(void) {
  double inputs[seed_net_NUM_INPUTS] = {4};
  double params[seed_net_NUM_PARAMS] = {3, 2, 6};
  double outputs[seed_net_NUM_OUTPUTS];
  seed_net(inputs, params, outputs);
  for (int k = 0; k < seed_net_NUM_OUTPUTS; ++k) printf("%g\n", outputs[k]);
  return outputs[1] == 900 && outputs[3] == 480 ? 0 : 1;
}
