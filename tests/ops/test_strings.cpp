// String operators: StringConcat, StringSplit, StringNormalizer, RegexFullMatch, TfIdfVectorizer.
#include "harness/op_harness.hpp"

namespace hone::testing {
namespace {

Tensor strings(Shape shape, std::vector<std::string> v) { return make_tensor<std::string>(DataType::String, std::move(shape), std::move(v)); }

std::vector<std::string> values(const Tensor& t) { return {t.strings(), t.strings() + t.numel()}; }

TEST(StringConcat, Broadcasts) {
  auto r = run_op({.op_type = "StringConcat", .inputs = {Datum::of(strings({2, 1}, {"a", "b"})), Datum::of(strings({3}, {"x", "", "zz"}))}});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->at(0).tensor.shape(), (Shape{2, 3}));
  EXPECT_EQ(values(r->at(0).tensor), (std::vector<std::string>{"ax", "a", "azz", "bx", "b", "bzz"}));
}

TEST(StringSplit, DelimiterKeepsEmptyPiecesAndPads) {
  ir::Attributes a;
  a.set("delimiter", ir::Attribute::of_string("--"));
  auto r = run_op({.op_type = "StringSplit", .inputs = {Datum::of(strings({3}, {"a--b----c", "", "x"}))}, .attrs = a, .num_outputs = 2});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->at(0).tensor.shape(), (Shape{3, 4}));
  EXPECT_EQ(values(r->at(0).tensor), (std::vector<std::string>{"a", "b", "", "c", "", "", "", "", "x", "", "", ""}));
  EXPECT_EQ(r->at(1).tensor.to_int64_vector(), (std::vector<int64_t>{4, 1, 1}));
}

TEST(StringSplit, WhitespaceWithMaxsplit) {
  ir::Attributes a;
  a.set("maxsplit", ir::Attribute::of_int(1));
  auto r = run_op({.op_type = "StringSplit", .inputs = {Datum::of(strings({2}, {"  one two  three ", "   "}))}, .attrs = a, .num_outputs = 2});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(values(r->at(0).tensor), (std::vector<std::string>{"one", "two  three", "", ""}));
  EXPECT_EQ(r->at(1).tensor.to_int64_vector(), (std::vector<int64_t>{2, 0}));
}

TEST(StringNormalizer, StopwordsCaseInsensitiveAndUpper) {
  ir::Attributes a;
  a.set("case_change_action", ir::Attribute::of_string("UPPER"));
  a.set("stopwords", ir::Attribute::of_strings({"the"}));
  auto r = run_op({.op_type = "StringNormalizer", .inputs = {Datum::of(strings({1, 3}, {"The", "cat", "sat"}))}, .attrs = a});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->at(0).tensor.shape(), (Shape{1, 2}));
  EXPECT_EQ(values(r->at(0).tensor), (std::vector<std::string>{"CAT", "SAT"}));
}

TEST(StringNormalizer, BadActionIsAnError) {
  ir::Attributes a;
  a.set("case_change_action", ir::Attribute::of_string("TITLE"));
  auto r = run_op({.op_type = "StringNormalizer", .inputs = {Datum::of(strings({1}, {"x"}))}, .attrs = a});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("case_change_action must be"), std::string::npos) << r.status().to_string();
}

TEST(RegexFullMatch, WholeStringOnly) {
  ir::Attributes a;
  a.set("pattern", ir::Attribute::of_string("[a-z]+\\d"));
  auto r = run_op({.op_type = "RegexFullMatch", .inputs = {Datum::of(strings({3}, {"abc1", "abc1x", ""}))}, .attrs = a});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->at(0).tensor.to_int64_vector(), (std::vector<int64_t>{1, 0, 0}));
}

TEST(RegexFullMatch, BadPatternIsAnError) {
  ir::Attributes a;
  a.set("pattern", ir::Attribute::of_string("(unclosed"));
  auto r = run_op({.op_type = "RegexFullMatch", .inputs = {Datum::of(strings({1}, {"x"}))}, .attrs = a});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().to_string().find("invalid pattern"), std::string::npos) << r.status().to_string();
}

TEST(TfIdfVectorizer, UnigramsAndSkipBigramsWithWeights) {
  ir::Attributes a;
  a.set("min_gram_length", ir::Attribute::of_int(1));
  a.set("max_gram_length", ir::Attribute::of_int(2));
  a.set("max_skip_count", ir::Attribute::of_int(1));
  a.set("mode", ir::Attribute::of_string("TFIDF"));
  a.set("pool_int64s", ir::Attribute::of_ints({7, 9, 7, 9}));  // unigrams 7, 9; bigram (7, 9)
  a.set("ngram_counts", ir::Attribute::of_ints({0, 2}));
  a.set("ngram_indexes", ir::Attribute::of_ints({2, 0, 1}));
  a.set("weights", ir::Attribute::of_floats({1.0f, 0.5f, 2.0f}));
  // [7, 9, 7, 1, 9]: 7 x2, 9 x2; (7,9) adjacent once, with one gap once (7 _ 9 at 2..4)
  auto r = run_op({.op_type = "TfIdfVectorizer", .inputs = {Datum::of(make_int64({5}, {7, 9, 7, 1, 9}))}, .attrs = a});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_TRUE(tensors_near(r->at(0).tensor, make_float({3}, {2 * 0.5f, 2 * 2.0f, 2 * 1.0f}), 0, 0));
}

}  // namespace
}  // namespace hone::testing
