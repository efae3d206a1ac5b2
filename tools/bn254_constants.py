#!/usr/bin/env python3
"""Derives (and prints) the BN254 constants hard-coded in src/crypto/bn254/.

Python 3 standard library only. Run it and compare with the C tables:
Montgomery constants, twist b' = 3/(9+u), Frobenius coefficients, NAFs of
6u+2 and u, the GLV lattice for G1, the 4-dimensional GLS lattice for G2.
Nothing here is used at build time."""
import math
import random
from fractions import Fraction

p = 0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47
r = 21888242871839275222246405745257275088548364400416034343698204186575808495617
u = 4965661367192848881
R = 2 ** 256


def limbs(x, n=4):
    return "{" + ", ".join("0x%016xULL" % ((x >> (64 * i)) & (2**64 - 1)) for i in range(n)) + "}"


def mont(x):
    return limbs(x * R % p)


def f2mul(a, b):
    return ((a[0] * b[0] - a[1] * b[1]) % p, (a[0] * b[1] + a[1] * b[0]) % p)


def f2pow(a, e):
    res = (1, 0)
    while e:
        if e & 1:
            res = f2mul(res, a)
        a = f2mul(a, a)
        e >>= 1
    return res


def f2inv(a):
    n = pow(a[0] * a[0] + a[1] * a[1], p - 2, p)
    return (a[0] * n % p, (-a[1]) * n % p)


def naf(x):
    out = []
    while x:
        if x & 1:
            d = 2 - (x % 4)
            out.append(d)
            x -= d
        else:
            out.append(0)
        x //= 2
    return out[::-1]


def g1_add(P, Q):
    if P is None:
        return Q
    if Q is None:
        return P
    (x1, y1), (x2, y2) = P, Q
    if x1 == x2:
        if (y1 + y2) % p == 0:
            return None
        lam = 3 * x1 * x1 * pow(2 * y1, p - 2, p) % p
    else:
        lam = (y2 - y1) * pow(x2 - x1, p - 2, p) % p
    x3 = (lam * lam - x1 - x2) % p
    return (x3, (lam * (x1 - x3) - y1) % p)


def g1_mul(k, P):
    acc = None
    while k:
        if k & 1:
            acc = g1_add(acc, P)
        P = g1_add(P, P)
        k >>= 1
    return acc


def det(m):
    if len(m) == 1:
        return m[0][0]
    return sum((-1) ** j * m[0][j] * det([row[:j] + row[j + 1:] for row in m[1:]]) for j in range(len(m)))


def main():
    assert p == 36 * u**4 + 36 * u**3 + 24 * u**2 + 6 * u + 1
    assert r == 36 * u**4 + 36 * u**3 + 18 * u**2 + 6 * u + 1
    print("P", limbs(p))
    print("N0 = -p^-1 mod 2^64 = 0x%016x" % ((-pow(p, -1, 2**64)) % 2**64))
    print("R2", limbs(R * R % p), " ONE", mont(1))
    print("(p+1)/4", limbs((p + 1) // 4), " (p-1)/2", limbs((p - 1) // 2))
    xi = (9, 1)
    for name, c in (("B_TWIST", 3), ("B3_TWIST", 9)):
        v = f2mul((c, 0), f2inv(xi))
        print(name, "{" + mont(v[0]) + ", " + mont(v[1]) + "}")
    for i in range(1, 6):
        g = f2pow(xi, i * (p - 1) // 6)
        print("GAMMA1[%d]" % i, "{" + mont(g[0]) + ", " + mont(g[1]) + "}")
    for i in range(1, 6):
        g = f2pow(xi, i * (p * p - 1) // 6)
        assert g[1] == 0
        print("GAMMA2[%d]" % i, mont(g[0]))
    print("ATE_NAF (6u+2)", naf(6 * u + 2))
    print("U_NAF", naf(u))
    # G1 GLV: lambda with phi(x, y) = (beta x, y) = lambda (x, y) on G1
    lam = 4407920970296243842393367215006156084916469457145843978461
    beta = 0x59e26bcea0d48bacd4f263f1acdb5c4f5763473177fffffe
    assert (lam * lam + lam + 1) % r == 0 and pow(beta, 3, p) == 1
    assert g1_mul(lam, (1, 2)) == (beta, 2)  # phi(G) = lambda G
    print("GLV_BETA", mont(beta))
    # extended Euclid on (r, lambda) for the short basis
    r0, r1, t0, t1 = r, lam, 0, 1
    seq = [(r0, t0), (r1, t1)]
    while r1:
        q = r0 // r1
        r0, r1 = r1, r0 - q * r1
        t0, t1 = t1, t0 - q * t1
        seq.append((r1, t1))
    k = max(i for i, (ri, _) in enumerate(seq) if ri >= math.isqrt(r))
    a1, b1 = seq[k + 1][0], -seq[k + 1][1]
    c0, c2 = (seq[k][0], -seq[k][1]), (seq[k + 2][0], -seq[k + 2][1])
    a2, b2 = c0 if c0[0] ** 2 + c0[1] ** 2 <= c2[0] ** 2 + c2[1] ** 2 else c2
    print("GLV a1 b1 a2 b2", a1, b1, a2, b2)
    print("GLV_G1C", limbs((b2 << 256) // r, 2), " GLV_G2C", limbs((-b1 << 256) // r, 3))
    # G2 GLS: psi has eigenvalue mu = p mod r; Galbraith-Scott basis
    mu = p % r
    B = [[u + 1, u, u, -2 * u], [2 * u + 1, -u, -(u + 1), -u],
         [2 * u, 2 * u + 1, 2 * u + 1, 2 * u + 1], [u - 1, 4 * u + 2, -2 * u + 1, u - 1]]
    for b in B:
        assert sum(b[i] * pow(mu, i, r) for i in range(4)) % r == 0
    D = det(B)
    assert abs(D) == 3 * r

    def cof(m, i, j):
        return (-1) ** (i + j) * det([row[:j] + row[j + 1:] for kk, row in enumerate(m) if kk != i])

    alpha, sgn = [], []
    for j in range(4):
        f = Fraction(cof(B, j, 0), D)
        sgn.append(-1 if f < 0 else 1)
        alpha.append((abs(f.numerator) << 256) // f.denominator)
    print("GLS_ALPHA", ", ".join(limbs(a, 4) for a in alpha))
    print("GLS_M", [[limbs((sgn[j] * B[j][i]) % 2**128, 2) for i in range(4)] for j in range(4)])
    worst = 0
    for kk in [0, 1, r - 1] + [random.randrange(r) for _ in range(20000)]:
        c = [(kk * alpha[j]) >> 256 for j in range(4)]
        ks = [(kk if i == 0 else 0) - sum(c[j] * sgn[j] * B[j][i] for j in range(4)) for i in range(4)]
        assert (sum(ks[i] * pow(mu, i, r) for i in range(4)) - kk) % r == 0
        worst = max(worst, max(abs(x).bit_length() for x in ks))
    print("GLS max |k_i| bits over samples:", worst)
    print("twist cofactor 2p - r", limbs(2 * p - r))


if __name__ == "__main__":
    main()
