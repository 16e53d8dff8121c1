/**
 * The checks of Kaldi's utils/validate_data_dir.sh --no-feats (and utils/validate_text.pl) over a
 * data directory's files, by name → text, returning what the script would complain about. Also
 * two checks the script leaves to later stages: segments inside their recordings (reco2dur) and
 * no empty transcripts. Written from the script's logic so that tests need no Kaldi install.
 */

const byteOrder = (a: string, b: string): number =>
  Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))

const linesOf = (text: string): string[] => text.split('\n').slice(0, -1)
const fields = (line: string): string[] => line.split(/\s+/).filter(Boolean)
const firstFields = (text: string): string[] => linesOf(text).map((l) => fields(l)[0] ?? '')
const same = (a: string[], b: string[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i])

export function validateKaldiDir(files: Map<string, string>): string[] {
  const errors: string[] = []
  const get = (name: string): string | undefined => files.get(name)

  /** check_sorted_and_uniq: a final newline, first fields in C order without duplicates. */
  const sortedUniq = (name: string): void => {
    const text = get(name) ?? ''
    if (!text.endsWith('\n')) errors.push(`${name} has an invalid final newline`)
    const keys = firstFields(text)
    const expected = [...new Set(keys)].sort(byteOrder)
    if (!same(keys, expected)) errors.push(`${name} is not in sorted order or has duplicates`)
  }

  for (const name of ['spk2utt', 'utt2spk'])
    if (!get(name)) errors.push(`${name} is missing or empty`)
  if (errors.length) return errors
  const utt2spk = get('utt2spk') ?? ''
  const spk2utt = get('spk2utt') ?? ''
  if (linesOf(utt2spk).some((l) => fields(l).length !== 2)) errors.push('utt2spk has wrong format')
  sortedUniq('utt2spk')
  // `sort -k2` (C locale): the key runs from the blank before field 2 to the end of the line;
  // equal keys fall back to comparing whole lines.
  const key = (l: string): string => l.slice(l.search(/\s/))
  const bySpeaker = [...linesOf(utt2spk)].sort(
    (a, b) => byteOrder(key(a), key(b)) || byteOrder(a, b),
  )
  if (!same(bySpeaker, linesOf(utt2spk))) errors.push('utt2spk is not sorted by speaker-id as well')
  sortedUniq('spk2utt')
  const expanded = linesOf(spk2utt).flatMap((l) => {
    const [spk, ...utts] = fields(l)
    return utts.map((u) => `${u} ${spk}`)
  })
  if (
    !same(
      linesOf(utt2spk).map((l) => fields(l).join(' ')),
      expanded,
    )
  )
    errors.push('spk2utt and utt2spk do not match')
  const utts = firstFields(utt2spk)
  const speakers = firstFields(spk2utt)

  const text = get('text')
  if (text === undefined) errors.push('text is missing')
  else {
    linesOf(text).forEach((line, i) => {
      if (line.includes('\r')) errors.push(`text line ${i + 1} contains CR`)
      if (/\s/u.test(line.replace(/[\t ]/g, '.')))
        errors.push(`text line ${i + 1} contains disallowed whitespace`)
      const words = fields(line)
      if (words.length < 2) errors.push(`text line ${i + 1} has an empty transcript`)
      if (words.slice(1).some((w) => ['<s>', '</s>', '#0'].includes(w)))
        errors.push(`text line ${i + 1} contains an illegal symbol`)
    })
    if (!text.endsWith('\n')) errors.push('text has an invalid final newline')
    sortedUniq('text')
    if (!same(firstFields(text), utts)) errors.push('utterance lists of utt2spk and text differ')
  }

  const wav = get('wav.scp')
  const segments = get('segments')
  let recordings: string[] | null = null
  if (segments !== undefined && wav === undefined)
    errors.push('segments exists but wav.scp does not')
  if (wav === undefined) errors.push('wav.scp is missing')
  else {
    sortedUniq('wav.scp')
    if (/^\S+\s+~/m.test(wav)) errors.push('wav.scp uses ~')
    if (segments !== undefined) {
      sortedUniq('segments')
      for (const l of linesOf(segments)) {
        const f = fields(l)
        if (f.length !== 4 || !(Number(f[3]) > Number(f[2])))
          errors.push(`bad line in segments: ${l}`)
      }
      if (text !== undefined && !same(utts, firstFields(segments)))
        errors.push('utterance lists of utt2spk and segments differ')
      recordings = [...new Set(linesOf(segments).map((l) => fields(l)[1] ?? ''))].sort(byteOrder)
      if (!same(recordings, firstFields(wav)))
        errors.push('recording ids of segments and wav.scp differ')
    } else if (!same(utts, firstFields(wav)))
      errors.push('utterance lists of utt2spk and wav.scp differ')
  }

  const spk2gender = get('spk2gender')
  if (spk2gender !== undefined) {
    sortedUniq('spk2gender')
    if (linesOf(spk2gender).some((l) => !/^\S+\s+[mf]$/.test(l)))
      errors.push('mal-formed spk2gender')
    if (!same(firstFields(spk2gender), speakers))
      errors.push('speaker lists of spk2utt and spk2gender differ')
  }
  const utt2lang = get('utt2lang')
  if (utt2lang !== undefined) {
    sortedUniq('utt2lang')
    if (!same(firstFields(utt2lang), utts))
      errors.push('utt2lang and utt2spk have different utterances')
  }

  const reco2dur = get('reco2dur')
  if (reco2dur !== undefined) {
    sortedUniq('reco2dur')
    if (!same(firstFields(reco2dur), recordings ?? utts))
      errors.push(`recording ids of ${recordings ? 'segments' : 'wav.scp'} and reco2dur differ`)
    const durations = new Map<string, number>()
    for (const l of linesOf(reco2dur)) {
      const f = fields(l)
      if (f.length !== 2 || !(Number(f[1]) > 0)) errors.push(`bad line in reco2dur: ${l}`)
      durations.set(f[0] ?? '', Number(f[1]))
    }
    for (const l of linesOf(segments ?? '')) {
      const [utt, rec, start, end] = fields(l)
      if (Number(start) < 0 || Number(end) > (durations.get(rec ?? '') ?? -Infinity))
        errors.push(`segment ${utt} lies outside recording ${rec}`)
    }
  }
  return errors
}
