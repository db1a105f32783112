import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { ProbesController } from './probes.controller';

/** GET /health (the full report), /health/live and /health/ready (probes for an orchestrator). */
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController, ProbesController],
})
export class HealthModule {}
