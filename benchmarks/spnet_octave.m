% spnet.m (Izhikevich 2006, polychronization) as published, except that the
% targets and the kicked neuron of each ms are read from files, so that GNU
% Octave (or MATLAB) runs exactly the network of tests/network_oracles.py's
% spnet. Checked with Octave 7.3: spikes, v, u, s and sd equal the NumPy
% oracle bit for bit over 5 s of model time (network seed 1, kicks seed 2).
%
% Inputs (in the current folder): post.bin, N x M int32 row-major, 0-based;
% kicks.bin, int32, 0-based, a multiple of 1000 long. From the repository root:
%
%   python -c "import sys; sys.path.insert(0, 'tests'); import numpy as np, network_oracles as o;
%              o.spnet_network(1).astype(np.int32).tofile('post.bin');
%              o.spnet_kicks(2, 5000).astype(np.int32).tofile('kicks.bin')"
%   octave-cli benchmarks/spnet_octave.m
%
% Output out.bin (float64): the number of spikes n; n rows (t, neuron 0-based);
% v (N); u (N); s and sd (N x M each, row-major). Compare with
%   r = o.spnet(np.fromfile('post.bin', np.int32).reshape(1000, 100),
%               np.fromfile('kicks.bin', np.int32))
% (x = np.fromfile('out.bin'); n = int(x[0]); x[1:1 + 2 * n].reshape(n, 2) == r.spikes, ...)
1;
fid = fopen('post.bin', 'r'); post = fread(fid, [100 1000], 'int32')' + 1; fclose(fid);
fid = fopen('kicks.bin', 'r'); kicks = fread(fid, Inf, 'int32') + 1; fclose(fid);
M = 100; D = 20; Ne = 800; Ni = 200; N = Ne + Ni;
a = [0.02*ones(Ne,1); 0.1*ones(Ni,1)];
d = [   8*ones(Ne,1);    2*ones(Ni,1)];
sm = 10;
s = [6*ones(Ne,M); -5*ones(Ni,M)];
sd = zeros(N,M);
for i = 1:N
  if i <= Ne
    for j = 1:D
      delays{i,j} = M/D*(j-1) + (1:M/D);
    end;
  else
    delays{i,1} = 1:M;
  end;
  pre{i} = find(post == i & s > 0);
  aux{i} = N*(D-1-ceil(ceil(pre{i}/N)/(M/D))) + 1 + mod(pre{i}-1, N);
end;
STDP = zeros(N, 1001+D);
v = -65*ones(N,1);
u = 0.2.*v;
firings = [-D 0];
all_firings = zeros(0, 2);
for sec = 1:floor(numel(kicks)/1000)
  for t = 1:1000
    I = zeros(N,1);
    I(kicks(1000*(sec-1) + t)) = 20;
    fired = find(v >= 30);
    v(fired) = -65;
    u(fired) = u(fired) + d(fired);
    STDP(fired, t+D) = 0.1;
    for k = 1:length(fired)
      sd(pre{fired(k)}) = sd(pre{fired(k)}) + STDP(N*t + aux{fired(k)});
    end;
    firings = [firings; t*ones(length(fired),1), fired];
    all_firings = [all_firings; (1000*(sec-1) + t)*ones(length(fired),1), fired - 1];
    k = size(firings, 1);
    while firings(k,1) > t-D
      del = delays{firings(k,2), t-firings(k,1)+1};
      ind = post(firings(k,2), del);
      I(ind) = I(ind) + s(firings(k,2), del)';
      sd(firings(k,2), del) = sd(firings(k,2), del) - 1.2*STDP(ind, t+D)';
      k = k-1;
    end;
    v = v + 0.5*((0.04*v+5).*v + 140 - u + I);
    v = v + 0.5*((0.04*v+5).*v + 140 - u + I);
    u = u + a.*(0.2*v - u);
    STDP(:, t+D+1) = 0.95*STDP(:, t+D);
  end;
  STDP(:, 1:D+1) = STDP(:, 1001:1001+D);
  ind = find(firings(:,1) > 1001-D);
  firings = [-D 0; firings(ind,1)-1000, firings(ind,2)];
  s(1:Ne,:) = max(0, min(sm, 0.01 + s(1:Ne,:) + sd(1:Ne,:)));
  sd = 0.9*sd;
end;
fid = fopen('out.bin', 'w');
fwrite(fid, size(all_firings, 1), 'double'); fwrite(fid, all_firings', 'double');
fwrite(fid, v, 'double'); fwrite(fid, u, 'double');
fwrite(fid, s', 'double'); fwrite(fid, sd', 'double');
fclose(fid);
