// Colour rewriting of content streams on qpdf's tokenizer (see content-filter.h). Tokens are
// copied as their raw bytes, spaces and comments included, so a stream without RGB colours
// comes out unchanged.
#include "content-filter.h"

// qpdf 11 asks its users to declare that they no longer use PointerHolder.
#define POINTERHOLDER_TRANSITION 4
#include <qpdf/Buffer.hh>
#include <qpdf/BufferInputSource.hh>
#include <qpdf/QPDFTokenizer.hh>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using Token = QPDFTokenizer::Token;

bool
is_number (Token const &t)
{
  return t.getType () == QPDFTokenizer::tt_integer || t.getType () == QPDFTokenizer::tt_real;
}

bool
is_ignorable (Token const &t)
{
  return t.getType () == QPDFTokenizer::tt_space || t.getType () == QPDFTokenizer::tt_comment;
}

// Short decimal form: at most 4 places, no trailing zeros (0.9216, 1, 0).
std::string
number (double v)
{
  char buf[32];
  std::snprintf (buf, sizeof buf, "%.4f", v < 0 ? 0.0 : v > 1 ? 1.0 : v);
  std::string s (buf);
  s.erase (s.find_last_not_of ('0') + 1);
  if (s.back () == '.')
    s.pop_back ();
  return s;
}

// The DeviceGray or DeviceCMYK form of an RGB colour; `stroke` picks the upper-case operator.
std::string
replacement (double r, double g, double b, bool stroke, pb_filter_counts_t *counts)
{
  if (std::fabs (r - g) < 1e-6 && std::fabs (g - b) < 1e-6)
    {
      // Neutral: a grey level, printed on the black plate only.
      if (counts)
        counts->gray++;
      return number (r) + (stroke ? " G" : " g");
    }
  if (counts)
    counts->cmyk++;
  double k = 1 - std::fmax (r, std::fmax (g, b));
  double c = (1 - r - k) / (1 - k), m = (1 - g - k) / (1 - k), y = (1 - b - k) / (1 - k);
  return number (c) + " " + number (m) + " " + number (y) + " " + number (k)
         + (stroke ? " K" : " k");
}

// The MCID of a marked-content sequence's operands (`/Tag << /MCID n >>`), or -1.
long
mcid (std::vector<Token const *> const &args)
{
  if (args.size () != 5 || args[0]->getType () != QPDFTokenizer::tt_name
      || args[1]->getType () != QPDFTokenizer::tt_dict_open || !(args[2]->getValue () == "/MCID")
      || args[3]->getType () != QPDFTokenizer::tt_integer
      || args[4]->getType () != QPDFTokenizer::tt_dict_close)
    return -1;
  return std::strtol (args[3]->getValue ().c_str (), nullptr, 10);
}

// The spot colour `rgb` stands for, or null.
pb_filter_spot_t const *
spot_of (double const rgb[3], pb_filter_spot_t const *spots, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (std::fabs (rgb[0] - spots[i].rgb[0]) < PB_FILTER_SPOT_MATCH
        && std::fabs (rgb[1] - spots[i].rgb[1]) < PB_FILTER_SPOT_MATCH
        && std::fabs (rgb[2] - spots[i].rgb[2]) < PB_FILTER_SPOT_MATCH)
      return &spots[i];
  return nullptr;
}

class Filter
{
public:
  Filter (pb_filter_options_t const &options, pb_filter_counts_t *counts)
    : options_ (options), counts_ (counts)
  {
  }

  // Operands and the spaces between them wait here until their operator is known.
  void
  operand (Token const &t)
  {
    pending_.push_back (t);
  }

  void
  op (Token const &t)
  {
    std::string const &name = t.getValue ();
    std::vector<Token const *> args;
    for (auto const &p : pending_)
      if (!is_ignorable (p))
        args.push_back (&p);
    if (name == "BDC")
      {
        marked (t, args);
        return;
      }
    bool colour = options_.colours && (name == "rg" || name == "RG") && args.size () == 3
                  && is_number (*args[0]) && is_number (*args[1]) && is_number (*args[2]);
    if (!colour)
      {
        flush ();
        out_ += t.getRawValue ();
        return;
      }
    leading (args);
    double rgb[3];
    for (int i = 0; i < 3; i++)
      rgb[i] = std::strtod (args[i]->getValue ().c_str (), nullptr);
    pb_filter_spot_t const *spot = spot_of (rgb, options_.spots, options_.n_spots);
    if (spot)
      {
        if (counts_)
          counts_->spot++;
        out_ += std::string (spot->space) + (name == "RG" ? " CS " : " cs ") + number (spot->tint)
                + (name == "RG" ? " SCN" : " scn");
      }
    else
      out_ += replacement (rgb[0], rgb[1], rgb[2], name == "RG", counts_);
    pending_.clear ();
  }

  // A marked-content sequence: an artifact's becomes `/Artifact BMC`.
  void
  marked (Token const &t, std::vector<Token const *> const &args)
  {
    long id = mcid (args);
    if (id >= 0 && counts_)
      counts_->marked++;
    if (id < 0 || static_cast<size_t> (id) >= options_.n_artifacts || !options_.artifacts[id])
      {
        flush ();
        out_ += t.getRawValue ();
        return;
      }
    leading (args);
    out_ += "/Artifact BMC";
    pending_.clear ();
  }

  // Keeps the spacing before the first operand.
  void
  leading (std::vector<Token const *> const &args)
  {
    for (auto const &p : pending_)
      {
        if (&p == args[0])
          break;
        out_ += p.getRawValue ();
      }
  }

  void
  flush ()
  {
    for (auto const &p : pending_)
      out_ += p.getRawValue ();
    pending_.clear ();
  }

  std::string &
  result ()
  {
    return out_;
  }

private:
  pb_filter_options_t const &options_;
  pb_filter_counts_t *counts_;
  std::vector<Token> pending_;
  std::string out_;
};

std::string
filter (const char *data, size_t len, pb_filter_options_t const &options,
        pb_filter_counts_t *counts)
{
  // The Buffer only points at `data` (it never frees it); the input source owns the Buffer.
  auto *buffer = new Buffer (reinterpret_cast<unsigned char *> (const_cast<char *> (data)), len);
  auto input = std::make_shared<BufferInputSource> ("content stream", buffer, true);
  QPDFTokenizer tokenizer;
  tokenizer.allowEOF ();
  tokenizer.includeIgnorable ();
  Filter f (options, counts);
  for (;;)
    {
      Token t = tokenizer.readToken (input, "content stream", true);
      switch (t.getType ())
        {
        case QPDFTokenizer::tt_eof:
          f.flush ();
          return std::move (f.result ());
        case QPDFTokenizer::tt_bad:
          throw std::runtime_error ("bad token at offset " + std::to_string (input->getLastOffset ())
                                    + ": " + t.getErrorMessage ());
        case QPDFTokenizer::tt_word:
          f.op (t);
          if (t.isWord ("ID"))
            {
              // Inline image: one white-space byte, then data the tokenizer must not parse.
              char ch = ' ';
              input->read (&ch, 1);
              f.operand (Token (QPDFTokenizer::tt_space, std::string (1, ch)));
              f.flush ();
              tokenizer.expectInlineImage (input);
            }
          break;
        default:
          f.operand (t);
          break;
        }
    }
}

} // namespace

extern "C" char *
pb_filter_content_with (const char *data, size_t len, size_t *out_len,
                        const pb_filter_options_t *options, pb_filter_counts_t *counts,
                        char **error)
{
  *error = nullptr;
  try
    {
      std::string out = filter (data, len, *options, counts);
      char *buf = static_cast<char *> (std::malloc (out.size () + 1));
      if (!buf)
        throw std::bad_alloc ();
      std::memcpy (buf, out.data (), out.size ());
      buf[out.size ()] = '\0';
      *out_len = out.size ();
      return buf;
    }
  catch (std::exception const &e)
    {
      *error = strdup (e.what ());
      return nullptr;
    }
}

extern "C" char *
pb_filter_content (const char *data, size_t len, size_t *out_len, pb_filter_counts_t *counts,
                   char **error)
{
  return pb_filter_content_spots (data, len, out_len, nullptr, 0, counts, error);
}

extern "C" char *
pb_filter_content_spots (const char *data, size_t len, size_t *out_len,
                         const pb_filter_spot_t *spots, size_t n_spots,
                         pb_filter_counts_t *counts, char **error)
{
  pb_filter_options_t colours = { 1, nullptr, 0, spots, n_spots };
  return pb_filter_content_with (data, len, out_len, &colours, counts, error);
}
