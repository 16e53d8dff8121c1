# Sourced by scripts/make-demo.sh and test/bench/make-bench-audio.sh.
# Build SSML for a code-switched line: runs of whitespace-separated tokens that
# contain Latin letters go to the English voice, everything else to the Hindi
# voice; punctuation-only tokens stick to the preceding run.
hinglish_ssml() {
  local text="$1" hi_voice="$2" en_voice="$3"
  perl -CSA -e '
    use utf8;
    my ($text, $hv, $ev) = @ARGV;
    my @runs;
    for my $tok (split /\s+/, $text) {
      next if $tok eq "";
      my $lang = $tok =~ /[A-Za-z]/ ? "en" : ($tok =~ /\p{L}/ ? "hi" : "");
      if (@runs && ($lang eq "" || $runs[-1][0] eq $lang)) { $runs[-1][1] .= " $tok"; }
      else { push @runs, [$lang || "hi", $tok]; }
    }
    my $out = "<speak>";
    for my $r (@runs) {
      my $t = $r->[1]; $t =~ s/&/&amp;/g; $t =~ s/</&lt;/g; $t =~ s/>/&gt;/g;
      $out .= sprintf q{<voice name="%s">%s </voice>}, ($r->[0] eq "en" ? $ev : $hv), $t;
    }
    print "$out</speak>";
  ' "$text" "$hi_voice" "$en_voice"
}
