"""The 1000-neuron network of Izhikevich (2003), Fig. 3 (net.m)
============================================================

800 excitatory and 200 inhibitory neurons, all-to-all random weights, random
thalamic input (5 randn / 2 randn per ms), net.m's numerics (two 0.5 ms half
steps of v, one 1 ms step of u from the new v: izhic's "izhikevich2003"
method with dt = 1 ms). Writes a raster with the population rate
(``network_2003.png``) and the spikes (``network_2003.json``); the network
shows the paper's rhythmic episodes at a mean rate of ~7-8 Hz. Same as
``izhic figure network_2003``.

    python examples/network_2003.py [--out DIR]
"""
import argparse

from izhic.figures.izhikevich2003 import network_2003


def main():
    parser = argparse.ArgumentParser(description='The 1000-neuron network of Izhikevich (2003), Fig. 3 (net.m)')
    parser.add_argument("--out", default="figures", help="output directory (default: figures)")
    args = parser.parse_args()
    for path in network_2003(args.out):
        print(path)


if __name__ == "__main__":
    main()
