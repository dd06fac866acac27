// SPDX-License-Identifier: MIT
// Transformer language models as layer traces: the presets and the layers of one block (docs/llm.md).
#include "workload/llm.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/errors.h"
#include "workload/parsers.h"

namespace sasim {

namespace {

constexpr const char* kLlama2Paper =
    "Touvron et al., 'Llama 2: Open Foundation and Fine-Tuned Chat Models', arXiv:2307.09288, 2023, Table 1 "
    "(4k context; grouped-query attention in the 70B model)";
constexpr const char* kGpt2Paper =
    "Radford et al., 'Language Models are Unsupervised Multitask Learners', OpenAI 2019, Table 2";

LlmModel llama2(const char* name, uint32_t hidden, uint32_t layers, uint32_t heads, uint32_t kv_heads, uint32_t ffn,
                const char* hf_config) {
    LlmModel m;
    m.name = name;
    m.family = LlmFamily::Llama;
    m.hidden = hidden;
    m.layers = layers;
    m.heads = heads;
    m.kv_heads = kv_heads;
    m.head_dim = hidden / heads;
    m.ffn = ffn;
    m.vocab = 32000;
    m.max_positions = 4096;
    m.mlp = LlmMlp::GatedSilu;
    m.norm = LlmNorm::RmsNorm;
    m.source = fmt::format("{}; dimensions as in Hugging Face {} config.json (hidden_size {}, num_hidden_layers {}, "
                           "num_attention_heads {}, num_key_value_heads {}, intermediate_size {}, vocab_size 32000, "
                           "max_position_embeddings 4096, RMSNorm, SiLU)",
                           kLlama2Paper, hf_config, hidden, layers, heads, kv_heads, ffn);
    return m;
}

LlmModel gpt2(const char* name, uint32_t hidden, uint32_t layers, uint32_t heads, const char* size) {
    LlmModel m;
    m.name = name;
    m.family = LlmFamily::Gpt2;
    m.hidden = hidden;
    m.layers = layers;
    m.heads = heads;
    m.kv_heads = heads;
    m.head_dim = hidden / heads;
    m.ffn = 4 * hidden;
    m.vocab = 50257;
    m.max_positions = 1024;
    m.mlp = LlmMlp::Gelu;
    m.norm = LlmNorm::LayerNorm;
    m.source = fmt::format("{} ({}: {} layers, d_model {}); Hugging Face {} config.json (n_embd {}, n_layer {}, "
                           "n_head {}, n_inner = 4 * n_embd = {}, vocab_size 50257, n_positions 1024)",
                           kGpt2Paper, size, layers, hidden, name, hidden, layers, heads, 4 * hidden);
    return m;
}

LlmModel bert_large() {
    LlmModel m;
    m.name = "bert-large";
    m.family = LlmFamily::Bert;
    m.hidden = 1024;
    m.layers = 24;
    m.heads = 16;
    m.kv_heads = 16;
    m.head_dim = 64;
    m.ffn = 4096;
    m.vocab = 30522;
    m.max_positions = 512;
    m.mlp = LlmMlp::Gelu;
    m.norm = LlmNorm::LayerNorm;
    m.encoder_only = true;
    m.source = "Devlin et al., 'BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding', "
               "NAACL 2019, Sec. 3 (BERT-LARGE: L=24, H=1024, A=16, feed-forward 4H = 4096); Hugging Face "
               "bert-large-uncased config.json (vocab_size 30522, max_position_embeddings 512)";
    return m;
}

// a * b, saturating at UINT64_MAX (element counts of absurd parameters are then refused by validate_layer).
uint64_t mul_sat(uint64_t a, uint64_t b) { return b != 0 && a > UINT64_MAX / b ? UINT64_MAX : a * b; }

const char* phase_name(LlmPhase p) { return p == LlmPhase::Prefill ? "prefill" : "decode"; }

// Appends the layers of a trace, checking each one as it is added.
class TraceBuilder {
public:
    TraceBuilder(LlmTrace& trace, std::string hint) : m_trace(trace), m_hint(std::move(hint)) {}

    // batch x (m x k) * (k x n); `type` "gemm" (weights) or "matmul" (both operands are activations).
    // `inputs`: the layers it reads (Layer::inputs; empty: the layer before it). Returns its index.
    uint32_t gemm(const std::string& name, const char* type, uint64_t batch, uint64_t m, uint64_t n, uint64_t k,
                  std::vector<uint32_t> inputs = {}) {
        Layer l = named(name);
        l.inputs = std::move(inputs);
        l.kind = LayerKind::Gemm;
        l.gemm.batch = narrow(l, "batch", batch);
        l.gemm.m = narrow(l, "m", m);
        l.gemm.n = narrow(l, "n", n);
        l.gemm.k = narrow(l, "k", k);
        return add(std::move(l), type);
    }

    // A layer that is not simulated: `op` producing `elements` outputs.
    uint32_t other(const std::string& name, const char* op, uint64_t elements, std::vector<uint32_t> inputs = {}) {
        Layer l = named(name);
        l.inputs = std::move(inputs);
        l.kind = LayerKind::Other;
        l.op = op;
        l.elements = elements;
        return add(std::move(l), "");
    }

private:
    Layer named(const std::string& name) const {
        Layer l;
        l.name = name;
        l.origin = fmt::format("{}: {}", m_trace.workload.name, name);
        return l;
    }

    // A size as the layer stores it; a value too large for that is refused like validate_layer would.
    uint32_t narrow(const Layer& l, const char* key, uint64_t value) const {
        if (value > UINT32_MAX) {
            fail(fmt::format("{}: {}: must be <= {} (got {})", l.origin, key, kMaxLayerDim, value));
        }
        return static_cast<uint32_t>(value);
    }

    uint32_t add(Layer l, const char* type) {
        const std::vector<std::string> problems = validate_layer(l);
        if (!problems.empty()) fail(problems.front());
        m_trace.workload.layers.push_back(std::move(l));
        m_trace.text.push_back({type, ""});
        return static_cast<uint32_t>(m_trace.workload.layers.size() - 1);
    }

    [[noreturn]] void fail(const std::string& problem) const {
        throw InputError(fmt::format("{} ({})", problem, m_hint));
    }

    LlmTrace& m_trace;
    std::string m_hint;  // what to change when a layer is too large, appended to its problem
};

// The names of one family's layers, after the block's prefix ("layers.3.", "t5.h.3.") or, outside the
// blocks, the step's ("t5." at decode, "" at prefill). "" = the family has no such layer.
struct Names {
    std::string embed, embed_norm;                        // before the blocks ("" = none)
    std::string ln1, q, k, v, rope, scores, softmax, context, o, add1, ln2;
    std::string fc1, fc2, act, fc_out, add2, ln3;          // fc2: the gated MLP's up projection
    std::string final_norm, lm_head;                      // after the blocks ("" = none)
};

Names family_names(LlmFamily f) {
    switch (f) {
        case LlmFamily::Llama:
            return {"embed_tokens", "",
                    "input_layernorm", "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj",
                    "self_attn.rotary_emb", "self_attn.scores", "self_attn.softmax", "self_attn.context",
                    "self_attn.o_proj", "self_attn.residual", "post_attention_layernorm",
                    "mlp.gate_proj", "mlp.up_proj", "mlp.act_fn", "mlp.down_proj", "mlp.residual", "",
                    "norm", "lm_head"};
        case LlmFamily::Gpt2:
            return {"wte", "",
                    "ln_1", "attn.c_attn.q", "attn.c_attn.k", "attn.c_attn.v", "",
                    "attn.scores", "attn.softmax", "attn.context", "attn.c_proj", "attn.residual", "ln_2",
                    "mlp.c_fc", "", "mlp.act", "mlp.c_proj", "mlp.residual", "",
                    "ln_f", "lm_head"};
        case LlmFamily::Bert:
            return {"embeddings", "embeddings.LayerNorm",
                    "", "attention.self.query", "attention.self.key", "attention.self.value", "",
                    "attention.self.scores", "attention.self.softmax", "attention.self.context",
                    "attention.output.dense", "attention.output.add", "attention.output.LayerNorm",
                    "intermediate.dense", "", "intermediate.gelu", "output.dense", "output.add", "output.LayerNorm",
                    "", ""};
    }
    return {};
}

const char* block_prefix(LlmFamily f) {
    return f == LlmFamily::Llama ? "layers" : f == LlmFamily::Gpt2 ? "h" : "encoder.layer";
}

// One pass over the model: `rows` new tokens per sequence attending to `keys` keys (prefill: rows == keys).
void add_pass(TraceBuilder& tb, const LlmModel& md, const std::string& step, uint64_t batch, uint64_t rows,
              uint64_t keys, uint64_t blocks) {
    const Names nm = family_names(md.family);
    const char* norm = md.norm == LlmNorm::RmsNorm ? "rmsnorm" : "layernorm";
    const uint64_t tokens = mul_sat(batch, rows);           // rows of every projection
    const uint64_t group = md.heads / md.kv_heads;           // query heads sharing a KV head
    const uint64_t q_width = uint64_t{md.heads} * md.head_dim;
    const uint64_t kv_width = uint64_t{md.kv_heads} * md.head_dim;
    const uint64_t act = mul_sat(tokens, md.hidden);        // elements of one activation
    // Graph edges (Layer::inputs) where a layer does not read the one before it. Each pass embeds its
    // own tokens, the network's input.
    uint32_t x = tb.other(step + nm.embed, "embedding", act, {kNetworkInput});  // the block's input
    if (!nm.embed_norm.empty()) x = tb.other(step + nm.embed_norm, norm, act);
    for (uint64_t i = 0; i < blocks; ++i) {
        const std::string p = fmt::format("{}{}.{}.", step, block_prefix(md.family), i);
        const uint32_t a = nm.ln1.empty() ? x : tb.other(p + nm.ln1, norm, act);  // what the projections read
        const uint32_t q = tb.gemm(p + nm.q, "gemm", 1, tokens, q_width, md.hidden, {a});
        const uint32_t k = tb.gemm(p + nm.k, "gemm", 1, tokens, kv_width, md.hidden, {a});
        const uint32_t v = tb.gemm(p + nm.v, "gemm", 1, tokens, kv_width, md.hidden, {a});
        std::vector<uint32_t> qk = {q, k};
        if (!nm.rope.empty()) qk = {tb.other(p + nm.rope, "rope", mul_sat(tokens, q_width + kv_width), {q, k})};
        // Grouped-query attention: the `group` query heads of a KV head are stacked in m, so that each
        // K and V is one operand read once per group.
        const uint64_t att_batch = mul_sat(batch, md.kv_heads);
        const uint64_t att_rows = mul_sat(rows, group);
        tb.gemm(p + nm.scores, "matmul", att_batch, att_rows, keys, md.head_dim, qk);
        const uint32_t softmax = tb.other(p + nm.softmax, "softmax", mul_sat(mul_sat(att_batch, att_rows), keys));
        tb.gemm(p + nm.context, "matmul", att_batch, att_rows, md.head_dim, keys, {softmax, v});
        const uint32_t o = tb.gemm(p + nm.o, "gemm", 1, tokens, md.hidden, q_width);
        const uint32_t add1 = tb.other(p + nm.add1, "add", act, {o, x});
        const uint32_t ln2 = tb.other(p + nm.ln2, norm, act);
        const uint64_t inner = mul_sat(tokens, md.ffn);
        const uint32_t fc1 = tb.gemm(p + nm.fc1, "gemm", 1, tokens, md.ffn, md.hidden);
        if (md.mlp == LlmMlp::GatedSilu) {
            const uint32_t fc2 = tb.gemm(p + nm.fc2, "gemm", 1, tokens, md.ffn, md.hidden, {ln2});
            tb.other(p + nm.act, "silu_mul", inner, {fc1, fc2});
        } else {
            tb.other(p + nm.act, "gelu", inner);
        }
        const uint32_t fc_out = tb.gemm(p + nm.fc_out, "gemm", 1, tokens, md.hidden, md.ffn);
        // The residual: the attention's sum before a pre-norm MLP (GPT, Llama), its normalized sum after a
        // post-norm attention (BERT, whose ln3 follows).
        x = tb.other(p + nm.add2, "add", act, {fc_out, nm.ln3.empty() ? add1 : ln2});
        if (!nm.ln3.empty()) x = tb.other(p + nm.ln3, norm, act);
    }
    if (!nm.final_norm.empty()) tb.other(step + nm.final_norm, norm, act);
    // The next token's logits: the last position of each sequence only.
    if (!md.encoder_only) tb.gemm(step + nm.lm_head, "gemm", 1, batch, md.vocab, md.hidden);
}

// Layers of one pass, for the size check before anything is built.
uint64_t layers_per_pass(const LlmModel& md, uint64_t blocks) {
    const Names nm = family_names(md.family);
    uint64_t per_block = 0;
    for (const std::string* s : {&nm.ln1, &nm.q, &nm.k, &nm.v, &nm.rope, &nm.scores, &nm.softmax, &nm.context, &nm.o,
                                 &nm.add1, &nm.ln2, &nm.fc1, &nm.act, &nm.fc_out, &nm.add2, &nm.ln3}) {
        per_block += s->empty() ? 0 : 1;
    }
    per_block += md.mlp == LlmMlp::GatedSilu ? 1 : 0;
    uint64_t outside = 1 + (nm.embed_norm.empty() ? 0 : 1) + (nm.final_norm.empty() ? 0 : 1);
    outside += md.encoder_only ? 0 : 1;
    return per_block * blocks + outside;
}

std::string trace_comment(const LlmModel& md, const LlmParams& p, uint64_t tokens, uint64_t blocks,
                          const std::vector<Layer>& layers) {
    std::string c = "Generated by sasim workload llm (docs/llm.md). ";
    if (p.phase == LlmPhase::Prefill) {
        c += fmt::format("Prefill of {} tokens per sequence: every layer processes all of them at once; the "
                         "attention products compute the full {}x{} square of scores{}. ",
                         tokens, tokens, tokens,
                         md.encoder_only ? " (bidirectional attention)"
                                         : " although the causal mask discards the entries above the diagonal "
                                           "(no saving modelled)");
    } else {
        c += fmt::format("Decode of {} tokens after a context of {}: step t (layer names 't<t>.') is a full pass "
                         "with one row per sequence, whose attention products span {} + t + 1 keys (the KV cache "
                         "plus the new token). ",
                         tokens, *p.context, *p.context);
    }
    if (!md.encoder_only) {
        c += "lm_head computes the logits of the last position of each sequence only (m = batch). ";
    }
    if (md.kv_heads < md.heads) {
        c += fmt::format("Attention products are matmuls with batch = batch * kv_heads ({} KV heads) and the {} query "
                         "heads that share a KV head stacked in m (grouped-query attention), so each K and V is read "
                         "once per group. ",
                         md.kv_heads, md.heads / md.kv_heads);
    } else {
        c += fmt::format("Attention products are matmuls with batch = batch * heads ({} heads). ", md.heads);
    }
    c += "The KV cache has no layer of its own: the k and v projections write their outputs to DRAM and the "
         "attention products read K and V from DRAM, as every layer does. ";
    std::vector<std::string> ops;
    for (const Layer& l : layers) {
        if (l.kind == LayerKind::Other && std::find(ops.begin(), ops.end(), l.op) == ops.end()) ops.push_back(l.op);
    }
    c += fmt::format("Element-wise operations ({}) are Other layers, listed but not simulated; the 1/sqrt(head_dim) "
                     "scaling and the mask are part of softmax; biases, dropout and sampling are left out. ",
                     workload_detail::join(ops));
    if (blocks < md.layers) {
        c += fmt::format("Only the first {} of the model's {} blocks are listed. ", blocks, md.layers);
    }
    c += fmt::format("Names follow the Hugging Face modules of {}.",
                     md.family == LlmFamily::Llama ? "LlamaForCausalLM"
                     : md.family == LlmFamily::Gpt2 ? "GPT2LMHeadModel (its fused c_attn split into q, k and v)"
                                                   : "BertModel (the pooler left out)");
    return c;
}

}  // namespace

const std::vector<LlmModel>& llm_presets() {
    static const std::vector<LlmModel> presets = {
        llama2("llama2-7b", 4096, 32, 32, 32, 11008, "meta-llama/Llama-2-7b-hf"),
        llama2("llama2-13b", 5120, 40, 40, 40, 13824, "meta-llama/Llama-2-13b-hf"),
        llama2("llama2-70b", 8192, 80, 64, 8, 28672, "meta-llama/Llama-2-70b-hf"),
        gpt2("gpt2", 768, 12, 12, "117M"),
        gpt2("gpt2-xl", 1600, 48, 25, "1542M"),
        bert_large(),
    };
    return presets;
}

const LlmModel& find_llm_preset(const std::string& name) {
    std::vector<std::string> names;
    for (const LlmModel& m : llm_presets()) {
        if (m.name == name) return m;
        names.push_back(m.name);
    }
    const std::string guess = workload_detail::closest_match(name, names);
    throw InputError(fmt::format("--model {}: unknown model{}; presets: {}", name,
                                 guess.empty() ? "" : fmt::format(" (did you mean '{}'?)", guess),
                                 workload_detail::join(names)));
}

std::string describe_llm(const LlmModel& m) {
    return fmt::format("hidden {}, {} layers, {} heads ({} KV heads, head_dim {}), ffn {} ({}), vocab {}, {}, {}, "
                       "{} positions",
                       m.hidden, m.layers, m.heads, m.kv_heads, m.head_dim, m.ffn,
                       m.mlp == LlmMlp::GatedSilu ? "gated SiLU" : "GELU", m.vocab,
                       m.norm == LlmNorm::RmsNorm ? "RMSNorm" : "LayerNorm",
                       m.encoder_only ? "encoder only" : "decoder", m.max_positions);
}

std::vector<std::string> validate_llm_model(const LlmModel& m) {
    std::vector<std::string> out;
    const std::pair<const char*, uint32_t> dims[] = {{"hidden", m.hidden}, {"layers", m.layers},
                                                     {"heads", m.heads},   {"kv_heads", m.kv_heads},
                                                     {"head_dim", m.head_dim}, {"ffn", m.ffn}};
    for (const auto& [key, value] : dims) {
        if (value == 0) out.push_back(fmt::format("model {}: {} must be >= 1", m.name, key));
    }
    if (m.vocab == 0 && !m.encoder_only) out.push_back(fmt::format("model {}: vocab must be >= 1", m.name));
    if (m.kv_heads != 0 && m.heads % m.kv_heads != 0) {
        out.push_back(fmt::format("model {}: heads {} must be a multiple of kv_heads {}", m.name, m.heads, m.kv_heads));
    }
    const bool gated = m.mlp == LlmMlp::GatedSilu;
    const bool fits = m.family == LlmFamily::Llama ? gated && !m.encoder_only
                      : m.family == LlmFamily::Gpt2 ? !gated && !m.encoder_only
                                                    : !gated && m.encoder_only;
    if (!fits) {
        out.push_back(fmt::format("model {}: the {} layout has no {} {} (Llama: gated SiLU decoder; GPT-2: GELU "
                                  "decoder; BERT: GELU encoder)",
                                  m.name, block_prefix(m.family), gated ? "gated-SiLU" : "GELU",
                                  m.encoder_only ? "encoder" : "decoder"));
    }
    return out;
}

LlmTrace build_llm_trace(const LlmModel& md, const LlmParams& p) {
    const std::vector<std::string> model_problems = validate_llm_model(md);
    if (!model_problems.empty()) throw InputError(model_problems.front());
    const bool decode = p.phase == LlmPhase::Decode;
    if (decode && md.encoder_only) {
        throw InputError(fmt::format("--phase decode: {} is an encoder-only model (no token-by-token generation); "
                                     "use --phase prefill",
                                     md.name));
    }
    if (decode && !p.context) {
        throw InputError("--phase decode needs --context N (the tokens already in the KV cache, >= 0)");
    }
    if (decode && !p.tokens) throw InputError("--phase decode needs --tokens N (the tokens generated, >= 1)");
    if (!decode && p.context) {
        throw InputError("--context is for --phase decode (a prefill starts with an empty KV cache)");
    }
    const uint64_t tokens = p.tokens.value_or(kLlmDefaultPrefillTokens);
    const uint64_t context = p.context.value_or(0);
    if (tokens < 1) throw InputError(fmt::format("--tokens {}: must be >= 1", tokens));
    if (p.batch < 1) throw InputError(fmt::format("--batch {}: must be >= 1", p.batch));
    for (const auto& [option, value] : {std::pair<const char*, uint64_t>{"--tokens", tokens},
                                        {"--context", context}, {"--batch", p.batch}}) {
        if (value > kMaxLayerDim) {
            throw InputError(fmt::format("{} {}: must be <= {} (the largest layer dimension)", option, value,
                                         kMaxLayerDim));
        }
    }
    if (p.layers && (*p.layers < 1 || *p.layers > md.layers)) {
        throw InputError(fmt::format("--layers {}: {} has {} layers; give 1 to {} (default: all)", *p.layers, md.name,
                                     md.layers, md.layers));
    }
    const uint64_t blocks = p.layers.value_or(md.layers);
    const uint64_t steps = decode ? tokens : 1;
    const uint64_t count = mul_sat(layers_per_pass(md, blocks), steps);
    if (count > kMaxLlmTraceLayers) {
        throw InputError(fmt::format("--tokens {}: the trace would have {} layers, more than {}; decode fewer "
                                     "tokens or fewer --layers",
                                     tokens, count, kMaxLlmTraceLayers));
    }

    LlmTrace t;
    Workload& w = t.workload;
    w.name = fmt::format("{}_{}_{}", md.name, phase_name(p.phase), decode ? fmt::format("{}_{}", context, tokens)
                                                                           : std::to_string(tokens));
    if (p.batch != 1) w.name += fmt::format("_b{}", p.batch);
    if (blocks != md.layers) w.name += fmt::format("_l{}", blocks);
    const std::string what =
        decode ? fmt::format("decode of {} tokens after a context of {}", tokens, context)
               : fmt::format("prefill of {} tokens", tokens);
    w.source = fmt::format("{}. Generated by sasim workload llm --model {}: {}, batch {}, {} of {} blocks.", md.source,
                           md.name, what, p.batch, blocks, md.layers);
    w.layers.reserve(static_cast<size_t>(count));
    t.text.reserve(static_cast<size_t>(count));
    TraceBuilder tb(t, decode ? "use a shorter --context, fewer --tokens or a smaller --batch"
                              : "use fewer --tokens or a smaller --batch");
    if (decode) {
        for (uint64_t s = 0; s < steps; ++s) {
            add_pass(tb, md, fmt::format("t{}.", s), p.batch, 1, context + s + 1, blocks);
        }
    } else {
        add_pass(tb, md, "", p.batch, tokens, tokens, blocks);
    }
    t.comment = trace_comment(md, p, tokens, blocks, w.layers);
    return t;
}

}  // namespace sasim
