#!/usr/bin/env ruby
# Greets every line it receives; ends when the client leaves (stdin EOF).
#   wsbridge --port=8080 examples/ruby/greeter.rb
$stdout.sync = true # write each line at once: on a pipe Ruby buffers stdout in blocks

$stdin.each_line do |line|
  puts "Hello #{line.chomp}!"
end
