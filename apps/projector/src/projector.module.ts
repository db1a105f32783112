import { type AppConfig, AppConfigModule, ReadSideModule, StorageModule } from '@app/application';
import { type DynamicModule, Module } from '@nestjs/common';

/** The projector process: the projections and the lead-to-deal automation, on the configured stores. */
@Module({})
export class ProjectorModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ProjectorModule,
      imports: [AppConfigModule.forRoot(config), StorageModule, ReadSideModule],
    };
  }
}
