"""PyTorch-on-CPU baseline for bench/engine_vs_torch.sh: the same Llama-shaped
decoder (GQA, RoPE, RMSNorm, SwiGLU, KV cache) with random fp32 weights, and an
int8 variant with dynamically quantised Linear layers. Prints JSON lines."""
import json, math, sys, time
import torch

torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 2)
torch.manual_seed(0)
SHAPES = {  # public Hugging Face config values
    "qwen2.5-0.5b": dict(L=24, d=896, H=14, KV=2, ffn=4864, vocab=151936, theta=1e6, bias=True),
    "llama-3.2-1b": dict(L=16, d=2048, H=32, KV=8, ffn=8192, vocab=128256, theta=5e5, bias=False),
    "qwen2.5-1.5b": dict(L=28, d=1536, H=12, KV=2, ffn=8960, vocab=151936, theta=1e6, bias=True),
}


class Block(torch.nn.Module):
    def __init__(s, m):
        super().__init__()
        d, hd = m["d"], m["d"] // m["H"]
        s.H, s.KV, s.hd = m["H"], m["KV"], hd
        s.qkv = torch.nn.Linear(d, (m["H"] + 2 * m["KV"]) * hd, bias=m["bias"])
        s.o = torch.nn.Linear(m["H"] * hd, d, bias=False)
        s.gu = torch.nn.Linear(d, 2 * m["ffn"], bias=False)
        s.down = torch.nn.Linear(m["ffn"], d, bias=False)
        s.n1 = torch.nn.Parameter(torch.ones(d))
        s.n2 = torch.nn.Parameter(torch.ones(d))

    @staticmethod
    def norm(x, w):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * w

    def forward(s, x, cos, sin, cache, pos):
        B, T, _ = x.shape
        q, k, v = s.qkv(s.norm(x, s.n1)).split([s.H * s.hd, s.KV * s.hd, s.KV * s.hd], -1)
        q = q.view(B, T, s.H, s.hd).transpose(1, 2)
        k = k.view(B, T, s.KV, s.hd).transpose(1, 2)
        v = v.view(B, T, s.KV, s.hd).transpose(1, 2)

        def rot(t):
            a, b = t[..., : s.hd // 2], t[..., s.hd // 2:]
            return t * cos + torch.cat((-b, a), -1) * sin

        q, k = rot(q), rot(k)
        cache[0][:, :, pos:pos + T] = k
        cache[1][:, :, pos:pos + T] = v
        K = cache[0][:, :, :pos + T].repeat_interleave(s.H // s.KV, 1)
        V = cache[1][:, :, :pos + T].repeat_interleave(s.H // s.KV, 1)
        scores = (q @ K.transpose(-1, -2)) / math.sqrt(s.hd)
        if T > 1:  # query i (at pos + i) sees keys up to pos + i
            mask = torch.ones(T, pos + T, dtype=torch.bool).tril(pos)
            scores = scores.masked_fill(~mask, float("-inf"))
        att = torch.softmax(scores, -1) @ V
        x = x + s.o(att.transpose(1, 2).reshape(B, T, -1))
        g, u = s.gu(s.norm(x, s.n2)).chunk(2, -1)
        return x + s.down(torch.nn.functional.silu(g) * u)


class Model(torch.nn.Module):
    def __init__(s, m):
        super().__init__()
        s.m = m
        s.emb = torch.nn.Embedding(m["vocab"], m["d"])
        s.blocks = torch.nn.ModuleList(Block(m) for _ in range(m["L"]))
        s.nf = torch.nn.Parameter(torch.ones(m["d"]))
        s.head = torch.nn.Linear(m["d"], m["vocab"], bias=False)
        for p in s.parameters():
            if p.dim() > 1:
                torch.nn.init.normal_(p, std=0.02)

    def forward(s, ids, caches, pos):
        hd = s.m["d"] // s.m["H"]
        inv = 1.0 / (s.m["theta"] ** (torch.arange(0, hd, 2).float() / hd))
        f = torch.outer(torch.arange(pos, pos + ids.shape[1]).float(), inv)
        cos, sin = torch.cat((f, f), -1).cos(), torch.cat((f, f), -1).sin()
        x = s.emb(ids)
        for b, c in zip(s.blocks, caches):
            x = b(x, cos, sin, c, pos)
        return s.head(Block.norm(x[:, -1:], s.nf))


def main():
    name = sys.argv[1] if len(sys.argv) > 1 else "qwen2.5-0.5b"
    m = SHAPES[name]
    S, N = 128, 33
    base = Model(m).eval()
    for fmt in ("fp32", "int8"):
        model = base if fmt == "fp32" else torch.ao.quantization.quantize_dynamic(base, {torch.nn.Linear}, dtype=torch.qint8)
        for B in (1, 8):
            hd = m["d"] // m["H"]
            caches = [(torch.zeros(B, m["KV"], S + N, hd), torch.zeros(B, m["KV"], S + N, hd)) for _ in range(m["L"])]
            ids = torch.randint(0, m["vocab"], (B, S))
            with torch.inference_mode():
                t0 = time.perf_counter()
                logits = model(ids, caches, 0)
                prefill = time.perf_counter() - t0
                tok = logits.argmax(-1)
                t0 = time.perf_counter()
                for i in range(1, N):
                    tok = model(tok, caches, S + i - 1).argmax(-1)
                decode = time.perf_counter() - t0
            print(json.dumps(dict(engine="pytorch " + torch.__version__, model=name, weights=fmt, batch=B, prompt=S,
                                  prefill_tokens_per_s=B * S / prefill, decode_tokens_per_s=B * (N - 1) / decode)),
                  flush=True)


if __name__ == "__main__":
    main()
