// SPDX-License-Identifier: MIT
// Transformer language models as layer traces (`sasim workload llm`, docs/llm.md): the projections, the
// attention products and the element-wise operations of a prefill or of decode steps, built from the
// published dimensions of a model.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "workload/workload.h"

namespace sasim {

// The layout of a block and the Hugging Face module names its layers take (docs/llm.md, "Layers").
enum class LlmFamily {
    Llama,  // pre-norm decoder: "layers.3.self_attn.q_proj", "layers.3.mlp.gate_proj", ... "norm", "lm_head"
    Gpt2,   // pre-norm decoder: "h.3.ln_1", "h.3.attn.c_attn.q", "h.3.mlp.c_fc", ... "ln_f", "lm_head"
    Bert,   // post-norm encoder: "encoder.layer.3.attention.self.query", "encoder.layer.3.intermediate.dense"
};

enum class LlmMlp {
    GatedSilu,  // Llama: down_proj(silu(gate_proj(x)) * up_proj(x))
    Gelu,       // GPT-2, BERT: proj(gelu(fc(x)))
};

enum class LlmNorm {
    RmsNorm,    // Llama
    LayerNorm,  // GPT-2, BERT
};

// A transformer's dimensions. head_dim * heads need not equal hidden (it does in every preset).
struct LlmModel {
    std::string name;              // preset name, "llama2-7b"
    LlmFamily family = LlmFamily::Llama;
    uint32_t hidden = 0;           // model width (d_model)
    uint32_t layers = 0;           // transformer blocks
    uint32_t heads = 0;            // query heads
    uint32_t kv_heads = 0;         // key/value heads: == heads (multi-head) or a divisor (grouped-query)
    uint32_t head_dim = 0;         // elements per head
    uint32_t ffn = 0;              // MLP inner width
    uint32_t vocab = 0;            // LM head outputs (tokens)
    uint32_t max_positions = 0;    // positions the model was trained for (context length); informative only
    LlmMlp mlp = LlmMlp::GatedSilu;
    LlmNorm norm = LlmNorm::RmsNorm;
    bool encoder_only = false;     // BERT: no decode phase, no LM head
    std::string source;            // the publication the dimensions come from
};

// The presets (llama2-7b, llama2-13b, llama2-70b, gpt2, gpt2-xl, bert-large), each citing its source.
const std::vector<LlmModel>& llm_presets();

// The preset named `name`; throws InputError "--model foo: unknown model; presets: llama2-7b, ...".
const LlmModel& find_llm_preset(const std::string& name);

// "hidden 4096, 32 layers, 32 heads (32 KV heads, head_dim 128), ffn 11008 (gated SiLU), vocab 32000, RMSNorm,
// decoder, 4096 positions": one line of `sasim workload llm --list`.
std::string describe_llm(const LlmModel& model);

enum class LlmPhase {
    Prefill,  // the prompt: every layer processes all its tokens at once
    Decode,   // generation: one step per new token, each a full pass with one row per sequence
};

struct LlmParams {
    LlmPhase phase = LlmPhase::Prefill;
    std::optional<uint64_t> tokens;   // prefill: prompt tokens (default 2048); decode: steps (required)
    std::optional<uint64_t> context;  // decode only: tokens already in the KV cache (required)
    uint64_t batch = 1;               // sequences processed together
    std::optional<uint64_t> layers;   // blocks generated, the first ones (1..model's; default all)
};

constexpr uint64_t kLlmDefaultPrefillTokens = 2048;
constexpr uint64_t kMaxLlmTraceLayers = 1000000;  // layers of one generated trace (decode grows by steps)

// A generated trace: the workload and what its file says beyond the layer shapes.
struct LlmTrace {
    Workload workload;                 // name "llama2-7b_prefill_2048", source: citation and parameters
    std::vector<TraceLayerText> text;  // parallel to workload.layers: "matmul" for the attention products
    std::string comment;               // the trace's "comment": what is modelled and what is not
};

// Builds the trace of `model` (docs/llm.md). Every layer passes validate_layer. Throws InputError, one
// line, for bad parameters (naming the option: "--tokens 0: must be >= 1"), a model that is not
// consistent, or a layer beyond the workload limits (kMaxLayerDim...), naming the first such layer.
LlmTrace build_llm_trace(const LlmModel& model, const LlmParams& params);

// The problems of a model's dimensions (custom models in tests); empty when usable.
std::vector<std::string> validate_llm_model(const LlmModel& model);

}  // namespace sasim
