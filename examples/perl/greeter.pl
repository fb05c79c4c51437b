#!/usr/bin/env perl
# Greets every line it receives; ends when the client leaves (stdin EOF).
#   wsbridge --port=8080 examples/perl/greeter.pl
use strict;
use warnings;

$| = 1;    # flush stdout after every print: on a pipe Perl buffers it in blocks

while (my $line = <STDIN>) {
    chomp $line;
    print "Hello $line!\n";
}
