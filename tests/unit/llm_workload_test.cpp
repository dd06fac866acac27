// SPDX-License-Identifier: MIT
// LLM traces (workload/llm.h, `sasim workload llm`): the presets' published dimensions, MAC totals against
// closed forms derived here from the dimensions, grouped-query attention shapes, decode steps, names, the
// written trace read back, and bad parameters.
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>

#include <catch2/catch.hpp>

#include "common/errors.h"
#include "workload/llm.h"

using namespace sasim;
namespace fs = std::filesystem;

namespace {

// A file under the system temp dir, removed at scope exit.
struct TempFile {
    fs::path path;  // the file
    explicit TempFile(const std::string& name) {
        std::random_device rd;
        path = fs::temp_directory_path() / ("sasim_llm_test_" + std::to_string(rd()) + "_" + name);
    }
    ~TempFile() {
        std::error_code ec;
        fs::remove(path, ec);
    }
};

LlmParams prefill(uint64_t tokens, uint64_t batch = 1) {
    LlmParams p;
    p.tokens = tokens;
    p.batch = batch;
    return p;
}

LlmParams decode(uint64_t context, uint64_t tokens, uint64_t batch = 1) {
    LlmParams p;
    p.phase = LlmPhase::Decode;
    p.context = context;
    p.tokens = tokens;
    p.batch = batch;
    return p;
}

const Layer& find_layer(const Workload& w, const std::string& name) {
    for (const Layer& l : w.layers) {
        if (l.name == name) return l;
    }
    FAIL("no layer " << name << " in " << w.name);
    return w.layers.front();
}

// The first line of the InputError `f` throws; "" when it throws none.
template <typename F>
std::string input_error(F f) {
    try {
        f();
    } catch (const InputError& e) {
        return e.lines().front();
    }
    return "";
}

// Everything the simulator reads of a layer (not its origin).
std::string shape_of(const Layer& l) {
    if (l.kind == LayerKind::Other) return l.name + " other " + l.op + " " + std::to_string(l.elements);
    return l.name + " " + describe_shape(l);
}

// MACs of one block with `rows` new tokens per sequence attending to `keys` keys, from the dimensions:
// q and o are hidden x heads*head_dim, k and v hidden x kv_heads*head_dim, QK^T and PV each
// heads*rows*keys*head_dim per sequence (grouping query heads changes no MAC), and the MLP's two or three
// hidden x ffn matrices.
uint64_t block_macs(const LlmModel& m, uint64_t batch, uint64_t rows, uint64_t keys) {
    const uint64_t t = batch * rows;
    const uint64_t q = uint64_t{m.heads} * m.head_dim;
    const uint64_t kv = uint64_t{m.kv_heads} * m.head_dim;
    const uint64_t mlp_matrices = m.mlp == LlmMlp::GatedSilu ? 3 : 2;
    return t * m.hidden * q * 2 + t * m.hidden * kv * 2 + 2 * batch * m.heads * rows * keys * m.head_dim +
           mlp_matrices * t * m.hidden * m.ffn;
}

// Published dimensions (the papers and Hugging Face config.json files cited by the presets).
struct Published {
    const char* name;
    uint32_t hidden, layers, heads, kv_heads, ffn, vocab;
    bool encoder_only;
    const char* cited;  // a part of the citation the source must contain
};
const Published kPublished[] = {
    {"llama2-7b", 4096, 32, 32, 32, 11008, 32000, false, "Touvron et al."},
    {"llama2-13b", 5120, 40, 40, 40, 13824, 32000, false, "Touvron et al."},
    {"llama2-70b", 8192, 80, 64, 8, 28672, 32000, false, "Touvron et al."},
    {"gpt2", 768, 12, 12, 12, 3072, 50257, false, "Radford et al."},
    {"gpt2-xl", 1600, 48, 25, 25, 6400, 50257, false, "Radford et al."},
    {"bert-large", 1024, 24, 16, 16, 4096, 30522, true, "Devlin et al."},
};

}  // namespace

TEST_CASE("llm: presets have the published dimensions and cite them", "[llm]") {
    REQUIRE(llm_presets().size() == std::size(kPublished));
    for (const Published& want : kPublished) {
        INFO(want.name);
        const LlmModel& m = find_llm_preset(want.name);
        CHECK(m.name == want.name);
        CHECK(m.hidden == want.hidden);
        CHECK(m.layers == want.layers);
        CHECK(m.heads == want.heads);
        CHECK(m.kv_heads == want.kv_heads);
        CHECK(m.head_dim * m.heads == want.hidden);
        CHECK(m.ffn == want.ffn);
        CHECK(m.vocab == want.vocab);
        CHECK(m.encoder_only == want.encoder_only);
        CHECK(m.source.find(want.cited) != std::string::npos);
        CHECK(validate_llm_model(m).empty());
        CHECK(describe_llm(m).find(std::to_string(want.hidden)) != std::string::npos);
    }
    CHECK(find_llm_preset("llama2-7b").mlp == LlmMlp::GatedSilu);
    CHECK(find_llm_preset("llama2-7b").norm == LlmNorm::RmsNorm);
    CHECK(find_llm_preset("gpt2").mlp == LlmMlp::Gelu);
    CHECK(find_llm_preset("bert-large").norm == LlmNorm::LayerNorm);
}

TEST_CASE("llm: llama2-7b prefill MACs equal the closed form", "[llm]") {
    const LlmModel& m = find_llm_preset("llama2-7b");
    const uint64_t t = 2048, h = 4096, f = 11008, v = 32000;
    // Per block: q, k, v, o (4 T H^2), QK^T and PV (2 T^2 H: heads * head_dim = H), gate, up, down (3 T H F).
    const uint64_t per_block = 4 * t * h * h + 2 * t * t * h + 3 * t * h * f;
    const LlmTrace full = build_llm_trace(m, prefill(t));
    CHECK(total_macs(full.workload) == 32 * per_block + h * v);  // + the LM head on the last position
    CHECK(full.workload.name == "llama2-7b_prefill_2048");
    LlmParams two = prefill(t);
    two.layers = 2;
    CHECK(total_macs(build_llm_trace(m, two).workload) == 2 * per_block + h * v);
    CHECK(total_macs(build_llm_trace(m, prefill(t, 3)).workload) == 3 * (32 * per_block + h * v));
}

TEST_CASE("llm: every preset's MACs equal the closed form, prefill and decode", "[llm]") {
    for (const LlmModel& m : llm_presets()) {
        INFO(m.name);
        const uint64_t head = m.encoder_only ? 0 : uint64_t{m.hidden} * m.vocab;  // per sequence
        for (uint64_t batch : {1, 2}) {
            LlmParams p = prefill(96, batch);
            p.layers = 3;
            CHECK(total_macs(build_llm_trace(m, p).workload) == 3 * block_macs(m, batch, 96, 96) + batch * head);
        }
        if (m.encoder_only) continue;
        LlmParams d = decode(100, 5, 2);
        d.layers = 2;
        uint64_t want = 0;
        for (uint64_t s = 0; s < 5; ++s) want += 2 * block_macs(m, 2, 1, 100 + s + 1) + 2 * head;
        CHECK(total_macs(build_llm_trace(m, d).workload) == want);
    }
}

TEST_CASE("llm: grouped-query attention shapes of llama2-70b", "[llm]") {
    const LlmModel& m = find_llm_preset("llama2-70b");
    LlmParams p = prefill(512, 2);
    p.layers = 1;
    const Workload w = build_llm_trace(m, p).workload;
    const Layer& k = find_layer(w, "layers.0.self_attn.k_proj");
    CHECK(k.gemm.m == 1024);
    CHECK(k.gemm.n == 8 * 128);  // kv_heads * head_dim
    CHECK(find_layer(w, "layers.0.self_attn.q_proj").gemm.n == 8192);
    const Layer& s = find_layer(w, "layers.0.self_attn.scores");
    CHECK(s.gemm.batch == 2 * 8);    // batch * kv_heads
    CHECK(s.gemm.m == 512 * 8);      // rows * (heads / kv_heads)
    CHECK(s.gemm.k == 128);
    CHECK(s.gemm.n == 512);
    const Layer& c = find_layer(w, "layers.0.self_attn.context");
    CHECK((c.gemm.batch == 16 && c.gemm.m == 4096 && c.gemm.k == 512 && c.gemm.n == 128));
    CHECK(find_layer(w, "layers.0.self_attn.softmax").elements == 2ull * 64 * 512 * 512);
    CHECK(find_layer(w, "lm_head").gemm.m == 2);

    LlmParams d = decode(2048, 1);
    d.layers = 1;
    const Workload dw = build_llm_trace(m, d).workload;  // kept: find_layer returns a reference into it
    const Layer& ds = find_layer(dw, "t0.layers.0.self_attn.scores");
    CHECK((ds.gemm.batch == 8 && ds.gemm.m == 8 && ds.gemm.n == 2049));
}

TEST_CASE("llm: decode steps grow the keys by one", "[llm]") {
    const LlmModel& m = find_llm_preset("llama2-7b");
    LlmParams p = decode(2048, 6, 4);
    p.layers = 3;
    const LlmTrace t = build_llm_trace(m, p);
    CHECK(t.workload.name == "llama2-7b_decode_2048_6_b4_l3");
    std::map<uint64_t, std::set<uint64_t>> keys_per_step;  // step -> keys of its attention products
    size_t products = 0;
    for (const Layer& l : t.workload.layers) {
        REQUIRE(l.name[0] == 't');
        const uint64_t step = std::stoull(l.name.substr(1, l.name.find('.') - 1));
        const std::string rest = l.name.substr(l.name.find('.') + 1);
        if (rest.find("scores") != std::string::npos) {
            keys_per_step[step].insert(l.gemm.n);
            CHECK(l.gemm.m == 1);  // one row per sequence, 32 heads of their own KV head
            CHECK(l.gemm.batch == 4 * 32);
            ++products;
        } else if (rest.find("context") != std::string::npos) {
            keys_per_step[step].insert(l.gemm.k);
            ++products;
        } else if (l.kind == LayerKind::Gemm) {
            CHECK(l.gemm.m == 4);  // batch rows
        }
    }
    CHECK(products == 6 * 3 * 2);
    REQUIRE(keys_per_step.size() == 6);
    for (const auto& [step, keys] : keys_per_step) {
        CHECK(keys == std::set<uint64_t>{2048 + step + 1});
    }
    CHECK(find_layer(t.workload, "t5.lm_head").gemm.m == 4);
    CHECK(find_layer(t.workload, "t0.layers.2.mlp.down_proj").gemm.k == 11008);
}

TEST_CASE("llm: names are unique, follow Hugging Face modules, and every layer validates", "[llm]") {
    for (const LlmModel& m : llm_presets()) {
        INFO(m.name);
        std::vector<LlmTrace> traces;
        traces.push_back(build_llm_trace(m, prefill(64, 2)));
        if (!m.encoder_only) traces.push_back(build_llm_trace(m, decode(7, 3)));
        for (const LlmTrace& t : traces) {
            std::set<std::string> names;
            REQUIRE(t.text.size() == t.workload.layers.size());
            for (size_t i = 0; i < t.workload.layers.size(); ++i) {
                const Layer& l = t.workload.layers[i];
                CHECK(names.insert(l.name).second);
                CHECK(validate_layer(l).empty());
                const bool product = l.name.find("scores") != std::string::npos ||
                                     l.name.find("context") != std::string::npos;
                CHECK(t.text[i].type == (l.kind == LayerKind::Other ? "" : product ? "matmul" : "gemm"));
            }
        }
    }
    const Workload llama = build_llm_trace(find_llm_preset("llama2-13b"), decode(0, 2)).workload;
    for (const char* n : {"t0.embed_tokens", "t0.layers.0.input_layernorm", "t1.layers.39.self_attn.q_proj",
                          "t1.layers.39.mlp.gate_proj", "t1.layers.39.mlp.up_proj", "t1.norm", "t1.lm_head"}) {
        CHECK(find_layer(llama, n).name == n);
    }
    CHECK(find_layer(llama, "t0.layers.0.self_attn.scores").gemm.n == 1);  // empty cache: the new token only
    const Workload g = build_llm_trace(find_llm_preset("gpt2"), prefill(16)).workload;
    CHECK(find_layer(g, "h.11.mlp.c_fc").gemm.n == 3072);
    CHECK(find_layer(g, "h.0.mlp.act").op == "gelu");
    CHECK(find_layer(g, "ln_f").op == "layernorm");
}

TEST_CASE("llm: a BERT-base block equals the hand-written workloads/bert_base_layer.json", "[llm]") {
    LlmModel base = find_llm_preset("bert-large");
    base.name = "bert-base";
    base.hidden = 768;
    base.heads = base.kv_heads = 12;
    base.ffn = 3072;
    LlmParams p = prefill(128);
    p.layers = 1;
    const Workload w = build_llm_trace(base, p).workload;
    const Workload file = load_workload(std::string(SASIM_SOURCE_DIR) + "/workloads/bert_base_layer.json");
    std::vector<std::string> got, want;
    const std::string prefix = "encoder.layer.0.";
    for (const Layer& l : w.layers) {
        if (l.name.rfind(prefix, 0) != 0) continue;
        Layer stripped = l;
        stripped.name = l.name.substr(prefix.size());
        got.push_back(shape_of(stripped));
    }
    for (const Layer& l : file.layers) want.push_back(shape_of(l));
    CHECK(got == want);
}

TEST_CASE("llm: the written trace reads back with the same layers", "[llm]") {
    LlmParams p = decode(31, 2, 3);
    p.layers = 2;
    for (const LlmTrace& t : {build_llm_trace(find_llm_preset("llama2-70b"), p),
                              build_llm_trace(find_llm_preset("bert-large"), prefill(40))}) {
        INFO(t.workload.name);
        TempFile f("trace.json");
        std::ofstream(f.path) << to_json_trace(t.workload, t.comment, t.text);
        const Workload back = load_workload(f.path.string());
        CHECK(back.name == t.workload.name);
        CHECK(back.source == t.workload.source);
        REQUIRE(back.layers.size() == t.workload.layers.size());
        for (size_t i = 0; i < back.layers.size(); ++i) {
            CHECK(shape_of(back.layers[i]) == shape_of(t.workload.layers[i]));
        }
        std::ifstream in(f.path);
        const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        CHECK(text.find("\"type\": \"matmul\"") != std::string::npos);
        CHECK(text.find("The KV cache has no layer of its own") != std::string::npos);
    }
}

TEST_CASE("llm: the trace writer round-trips the shipped networks", "[llm]") {
    for (const char* name : {"resnet50", "mobilenet_v2", "alexnet", "tiny/conv_stride2", "tiny/matmul_batched"}) {
        INFO(name);
        const Workload w = load_workload(std::string(SASIM_SOURCE_DIR) + "/workloads/" + name + ".json");
        TempFile f("net.json");
        std::ofstream(f.path) << to_json_trace(w, "");
        const Workload back = load_workload(f.path.string());
        REQUIRE(back.layers.size() == w.layers.size());
        for (size_t i = 0; i < w.layers.size(); ++i) CHECK(shape_of(back.layers[i]) == shape_of(w.layers[i]));
    }
}

TEST_CASE("llm: bad parameters are InputErrors naming the option", "[llm]") {
    const LlmModel& llama = find_llm_preset("llama2-7b");
    const LlmModel& bert = find_llm_preset("bert-large");
    CHECK(input_error([] { find_llm_preset("foo"); }) ==
          "--model foo: unknown model; presets: llama2-7b, llama2-13b, llama2-70b, gpt2, gpt2-xl, bert-large");
    CHECK(input_error([] { find_llm_preset("gtp2"); }).find("(did you mean 'gpt2'?)") != std::string::npos);
    CHECK(input_error([&] { build_llm_trace(llama, prefill(0)); }) == "--tokens 0: must be >= 1");
    CHECK(input_error([&] { build_llm_trace(llama, prefill(8, 0)); }) == "--batch 0: must be >= 1");
    for (uint64_t layers : {0, 33}) {
        LlmParams p = prefill(8);
        p.layers = layers;
        CHECK(input_error([&] { build_llm_trace(llama, p); }) ==
              "--layers " + std::to_string(layers) + ": llama2-7b has 32 layers; give 1 to 32 (default: all)");
    }
    LlmParams no_context = decode(0, 4);
    no_context.context.reset();
    CHECK(input_error([&] { build_llm_trace(llama, no_context); }).rfind("--phase decode needs --context", 0) == 0);
    LlmParams no_tokens = decode(5, 1);
    no_tokens.tokens.reset();
    CHECK(input_error([&] { build_llm_trace(llama, no_tokens); }).rfind("--phase decode needs --tokens", 0) == 0);
    CHECK(input_error([&] { build_llm_trace(llama, decode(5, 0)); }) == "--tokens 0: must be >= 1");
    CHECK(input_error([&] { build_llm_trace(bert, decode(5, 1)); })
              .rfind("--phase decode: bert-large is an encoder-only", 0) == 0);
    LlmParams context_prefill = prefill(8);
    context_prefill.context = 3;
    CHECK(input_error([&] { build_llm_trace(llama, context_prefill); })
              .rfind("--context is for --phase decode", 0) == 0);
    CHECK(input_error([&] { build_llm_trace(llama, prefill(kMaxLayerDim + 1)); }) ==
          "--tokens 1000001: must be <= 1000000 (the largest layer dimension)");
    // A layer beyond the workload limits is reported by validate_layer's rules, naming the first such layer.
    CHECK(input_error([&] { build_llm_trace(llama, prefill(600000, 2)); }) ==
          "llama2-7b_prefill_600000_b2: layers.0.self_attn.q_proj: m: must be <= 1000000 (got 1200000) (use fewer "
          "--tokens or a smaller --batch)");
    CHECK(input_error([&] { build_llm_trace(llama, prefill(1000000, 1000000)); }).find("(got 1000000000000)") !=
          std::string::npos);
    CHECK(input_error([&] { build_llm_trace(find_llm_preset("llama2-70b"), decode(0, 1000)); })
              .find("more than 1000000") != std::string::npos);
    LlmModel bad = llama;
    bad.kv_heads = 5;
    CHECK(input_error([&] { build_llm_trace(bad, prefill(8)); }) ==
          "model llama2-7b: heads 32 must be a multiple of kv_heads 5");
    bad = llama;
    bad.mlp = LlmMlp::Gelu;
    CHECK(!validate_llm_model(bad).empty());
}

TEST_CASE("llm: traces carry the graph's edges", "[llm]") {
    // The names a layer reads, by its name (the block's prefix removed).
    const auto reads = [](const Workload& w, const std::string& name) {
        std::vector<std::string> out;
        for (size_t i = 0; i < w.layers.size(); ++i) {
            if (w.layers[i].name != name) continue;
            for (const uint32_t p : layer_inputs(w, i)) out.push_back(p == kNetworkInput ? "$input" : w.layers[p].name);
        }
        return out;
    };
    using V = std::vector<std::string>;
    LlmParams one = prefill(16);
    one.layers = 2;
    const Workload gpt = build_llm_trace(find_llm_preset("gpt2"), one).workload;
    CHECK(validate_inputs(gpt).empty());
    CHECK(reads(gpt, "wte") == V{"$input"});
    CHECK(reads(gpt, "h.1.attn.c_attn.k") == V{"h.1.ln_1"});
    CHECK(reads(gpt, "h.1.attn.scores") == V{"h.1.attn.c_attn.q", "h.1.attn.c_attn.k"});
    CHECK(reads(gpt, "h.1.attn.context") == V{"h.1.attn.softmax", "h.1.attn.c_attn.v"});
    CHECK(reads(gpt, "h.1.attn.residual") == V{"h.1.attn.c_proj", "h.0.mlp.residual"});
    CHECK(reads(gpt, "h.1.mlp.residual") == V{"h.1.mlp.c_proj", "h.1.attn.residual"});
    const Workload llama = build_llm_trace(find_llm_preset("llama2-7b"), one).workload;
    CHECK(validate_inputs(llama).empty());
    CHECK(reads(llama, "layers.0.self_attn.scores") == V{"layers.0.self_attn.rotary_emb"});
    CHECK(reads(llama, "layers.0.self_attn.rotary_emb") == V{"layers.0.self_attn.q_proj", "layers.0.self_attn.k_proj"});
    CHECK(reads(llama, "layers.0.mlp.up_proj") == V{"layers.0.post_attention_layernorm"});
    const Workload bert = build_llm_trace(find_llm_preset("bert-large"), one).workload;
    CHECK(validate_inputs(bert).empty());
    // Post-norm: the MLP's residual is the attention's normalized sum.
    CHECK(reads(bert, "encoder.layer.0.output.add") ==
          V{"encoder.layer.0.output.dense", "encoder.layer.0.attention.output.LayerNorm"});
}
