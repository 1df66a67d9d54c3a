# man/options.awk: turns a program's -h output into man(7) .TP entries, put where the page
# template (the first file) says ".\" @OPTIONS@". Usage:
#   qdig -h | awk -f man/options.awk man/qdig.1.in - > qdig.1
# An option line starts with two spaces and -, + or @: the option, two or more spaces, its
# description. A line indented further, with no option, goes on with the description.
# Other lines (usage, headings) are left out.
function roff(s) {
	gsub(/\\/, "\\e", s)
	gsub(/-/, "\\-", s)
	if (s ~ /^[.']/)
		s = "\\&" s
	return s
}
FNR == NR {
	if ($0 == ".\\\" @OPTIONS@")
		at = FNR
	page[FNR] = $0
	n = FNR
	next
}
/^  [-+@]/ {
	line = substr($0, 3)
	split_at = match(line, /  +/)
	opt = split_at ? substr(line, 1, split_at - 1) : line
	desc = split_at ? substr(line, split_at + RLENGTH) : ""
	entries = entries ".TP\n.B " roff(opt) "\n" (desc == "" ? "" : roff(desc) "\n")
	next
}
/^   +[^ ]/ && entries != "" {
	sub(/^ +/, "")
	entries = entries roff($0) "\n"
	next
}
END {
	if (!at) {
		print "options.awk: no @OPTIONS@ line in the template" > "/dev/stderr"
		exit 1
	}
	for (i = 1; i <= n; i++)
		if (i == at)
			printf "%s", entries
		else
			print page[i]
}
